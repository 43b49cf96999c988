import type { RecipientEnv } from "../services/recipients.ts";
import type { Templates } from "../services/templates.ts";

/** What every consumer reads: the recipients' Workers and the message templates. */
export interface ConsumerContext {
  env: RecipientEnv;
  t: Templates;
}
