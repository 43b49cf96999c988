// `node scripts/mailbox/main.ts`: the local mailbox on its own. MAILBOX_PORT (12025), MAILBOX_API_KEY (mailbox_local).
import { startMailbox } from "./server.ts";

const mailbox = await startMailbox({
  port: Number(process.env.MAILBOX_PORT || "12025"),
  apiKey: process.env.MAILBOX_API_KEY || "mailbox_local",
});
console.log(`Mailbox on ${mailbox.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    mailbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
