import { z } from "zod";

/** The envelope every domain event travels in, on every queue. */
export const EventEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.string().datetime(),
  source: z.string().min(1),
  traceId: z.string().min(1),
  data: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** An event type: its name, version and the schema of its data. */
export interface EventDefinition<T extends string, D extends z.ZodType> {
  type: T;
  version: number;
  data: D;
}

export function defineEvent<T extends string, D extends z.ZodType>(
  type: T,
  version: number,
  data: D,
): EventDefinition<T, D> {
  return { type, version, data };
}

export type EventOf<E extends EventDefinition<string, z.ZodType>> = Omit<EventEnvelope, "type" | "data"> & {
  type: E["type"];
  data: z.infer<E["data"]>;
};
