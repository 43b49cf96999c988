import type { TestProject } from "vitest/node";
import { startStripeFake } from "../scripts/stripe-fake/server.ts";

export const WEBHOOK_SECRET = "whsec_system_tests";

/** The Stripe-compatible server the payments Worker talks to during the system tests. */
export default async function setup(project: TestProject) {
  const fake = await startStripeFake({ port: 0, webhookSecret: WEBHOOK_SECRET });
  project.provide("stripeUrl", fake.url);
  return () => fake.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    stripeUrl: string;
  }
}
