// The reviews domain's tables; `npm run db:generate` writes migrations/reviews/ from them.
export { processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";
