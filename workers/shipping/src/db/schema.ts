// The shipping domain's tables; `npm run db:generate` writes migrations/shipping/ from them.
export { processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";
