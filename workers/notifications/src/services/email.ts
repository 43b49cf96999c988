import { EmailMessage } from "cloudflare:email";
import { createMimeMessage } from "mimetext/browser";

export interface OutgoingEmail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The same for every attempt at one delivery, so the provider sends it once. */
  idempotencyKey: string;
}

/** The one channel mail leaves through; each implementation throws when the message was not accepted. */
export interface EmailSender {
  send(email: OutgoingEmail): Promise<void>;
}

/** A Resend-compatible HTTP API (`POST {url}/emails`), such as the local mailbox of `npm run dev`. */
export function httpEmailSender(url: string, apiKey: string, fetcher: typeof fetch = fetch): EmailSender {
  const endpoint = `${url.replace(/\/+$/, "")}/emails`;
  return {
    async send({ to, from, subject, text, html, idempotencyKey }) {
      const res = await fetcher(endpoint, {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "idempotency-key": idempotencyKey,
        },
        body: JSON.stringify({ from, to: [to], subject, html, text }),
      });
      if (!res.ok) throw new Error(`email API answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    },
  };
}

/**
 * Cloudflare Email (the send_email binding). It takes no idempotency key, so the
 * key becomes the Message-ID: a resend after a crash is the same message to
 * every mail system that deduplicates on it.
 */
export function bindingEmailSender(binding: SendEmail): EmailSender {
  return {
    async send({ to, from, subject, text, html, idempotencyKey }) {
      const message = createMimeMessage();
      message.setSender(from);
      message.setRecipient(to);
      message.setSubject(subject);
      const domain = message.getSender()?.addr.split("@")[1] ?? "localhost";
      message.setHeader("Message-ID", `<${idempotencyKey}@${domain}>`);
      message.addMessage({ contentType: "text/plain", data: text });
      message.addMessage({ contentType: "text/html", data: html });
      const envelopeFrom = message.getSender()?.addr ?? from;
      await binding.send(new EmailMessage(envelopeFrom, to, message.asRaw()));
    },
  };
}

/** EMAIL_API_URL set: the HTTP API; otherwise the send_email binding. */
export function emailSender(env: Pick<Env, "EMAIL" | "EMAIL_API_URL" | "EMAIL_API_KEY">): EmailSender {
  if (!env.EMAIL_API_URL) return bindingEmailSender(env.EMAIL);
  if (!env.EMAIL_API_KEY) throw new Error("EMAIL_API_URL is set without the secret EMAIL_API_KEY");
  return httpEmailSender(env.EMAIL_API_URL, env.EMAIL_API_KEY);
}
