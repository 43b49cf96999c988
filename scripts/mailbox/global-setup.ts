import { startMailbox } from "./server.ts";

/** A vitest globalSetup: the mailbox a Worker under test sends to, on the port its config chose (workers/notifications/vitest.config.ts). */
export default async function setup() {
  const mailbox = await startMailbox({
    port: Number(process.env.NOTIFICATIONS_TEST_MAILBOX_PORT),
    apiKey: "mailbox_test",
  });
  return () => mailbox.close();
}
