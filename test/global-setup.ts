import type { TestProject } from "vitest/node";
import { startMailbox } from "../scripts/mailbox/server.ts";
import { startStripeFake } from "../scripts/stripe-fake/server.ts";

export const WEBHOOK_SECRET = "whsec_system_tests";
export const MAILBOX_API_KEY = "mailbox_system_tests";

/** The Stripe-compatible server the payments Worker talks to, and the mailbox the notifications Worker sends to. */
export default async function setup(project: TestProject) {
  const fake = await startStripeFake({ port: 0, webhookSecret: WEBHOOK_SECRET });
  const mailbox = await startMailbox({ port: 0, apiKey: MAILBOX_API_KEY });
  project.provide("stripeUrl", fake.url);
  project.provide("mailboxUrl", mailbox.url);
  return async () => {
    await fake.close();
    await mailbox.close();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    stripeUrl: string;
    mailboxUrl: string;
  }
}
