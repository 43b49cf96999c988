// The notifications domain's tables; `npm run db:generate` writes migrations/notifications/ from them.
export { processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";
export { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../webhooks/schema.ts";
