import { and, desc, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { CarrierEvent } from "#lib/contracts/api/shipping.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { carrierEvents, shipments } from "../db/schema.ts";
import { changeShipment, sortedTimeline, statusOf } from "./shipments.ts";

const ATTEMPTS = 3;

/**
 * Applies one carrier event once (its `<carrier>:<id>` recorded in the same
 * batch): it joins the shipment's timeline, and the status becomes what the
 * whole timeline comes to (see statusOf), so arrival order does not matter.
 */
export async function applyCarrierEvent(
  db: DrizzleD1Database,
  carrier: string,
  event: CarrierEvent,
  traceId: string,
): Promise<"applied" | "duplicate"> {
  const key = `${carrier}:${event.id}`;
  for (let attempt = 1; ; attempt++) {
    const [seen] = await db.select({ id: carrierEvents.id }).from(carrierEvents).where(eq(carrierEvents.id, key));
    if (seen) return "duplicate";
    // The vendor typed the carrier's name when shipping; it matches the webhook's carrier whatever its case.
    const [before] = await db
      .select()
      .from(shipments)
      .where(
        and(
          eq(shipments.trackingNumber, event.trackingNumber),
          eq(sql`lower(${shipments.carrier})`, carrier.toLowerCase()),
        ),
      )
      .orderBy(desc(shipments.updatedAt))
      .limit(1);
    if (!before) throw new ProblemError(404, "No shipment of this carrier has this tracking number.");
    const step = {
      status: event.status,
      at: new Date(event.occurredAt).toISOString(),
      location: event.location ?? null,
      description: event.description ?? null,
    };
    const timeline = sortedTimeline([...before.events, step]);
    const after = { ...before, events: timeline, status: statusOf(timeline) };
    try {
      await db.batch([
        db.insert(carrierEvents).values({ id: key, shipmentId: before.id, receivedAt: new Date().toISOString() }),
        ...changeShipment(db, before, after, traceId),
      ]);
      return "applied";
    } catch (error) {
      if (isConstraintViolation(error, "UNIQUE", "carrier_events.id")) return "duplicate";
      // Another change of this shipment committed first: read it again.
      if (attempt < ATTEMPTS && isConstraintViolation(error, "UNIQUE", "shipment_changes.shipment_id")) continue;
      throw error;
    }
  }
}
