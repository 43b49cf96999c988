import { startMailbox } from "../../../scripts/mailbox/server.ts";

/** The local mailbox the Worker under test sends to (its port chosen in vitest.config.ts). */
export default async function setup() {
  const mailbox = await startMailbox({
    port: Number(process.env.NOTIFICATIONS_TEST_MAILBOX_PORT),
    apiKey: "mailbox_test",
  });
  return () => mailbox.close();
}
