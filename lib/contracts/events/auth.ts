import { z } from "zod";
import { defineEvent } from "./envelope.ts";

export const UserRegistered = defineEvent(
  "user.registered",
  1,
  z.object({ userId: z.string(), email: z.string(), name: z.string() }),
);
