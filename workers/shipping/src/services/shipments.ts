import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Shipment, ShipmentStatus, TrackingEvent } from "#lib/contracts/api/shipping.ts";
import { ShipmentUpdated } from "#lib/contracts/events/shipping.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { shipmentChanges, shipments } from "../db/schema.ts";

export type ShipmentRow = typeof shipments.$inferSelect;

export function snapshot(row: ShipmentRow): Shipment {
  const { version: _v, createdAt: _c, updatedAt: _u, ...shipment } = row;
  return shipment;
}

/** Ranks of the journey's steps: a shipment's status only moves up this list. */
const RANK: Partial<Record<ShipmentStatus, number>> = { shipped: 1, in_transit: 2, out_for_delivery: 3, delivered: 4 };

/** The timeline in the order the steps happened (ties keep the order they arrived in). */
export function sortedTimeline(events: readonly TrackingEvent[]): TrackingEvent[] {
  return [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * The status a shipped parcel's timeline comes to, whatever order its events
 * arrived in: the highest step reached, or `exception` when one happened after
 * that step (before delivery) and no further step has come since. A late step
 * below the one reached joins the timeline and moves nothing.
 */
export function statusOf(timeline: readonly TrackingEvent[]): ShipmentStatus {
  let reached = 1;
  let status: ShipmentStatus = "shipped";
  for (const event of sortedTimeline(timeline)) {
    const rank = RANK[event.status];
    if (event.status === "exception") {
      if (reached < 4) status = "exception";
    } else if (rank !== undefined && rank > reached) {
      reached = rank;
      status = event.status;
    }
  }
  return status;
}

/**
 * The statements of one change of a shipment, for the caller's batch: the row
 * (guarded by the version read), its version in shipment_changes and the
 * shipment.updated event in the outbox. A writer that raced on the same version
 * fails on shipment_changes' key, so its whole batch rolls back.
 */
export function changeShipment(
  db: DrizzleD1Database,
  before: ShipmentRow | undefined,
  after: Omit<ShipmentRow, "version" | "updatedAt">,
  traceId: string,
): BatchItem<"sqlite">[] {
  const now = new Date().toISOString();
  const version = (before?.version ?? 0) + 1;
  const row: ShipmentRow = { ...after, version, updatedAt: now };
  const event = buildEvent(ShipmentUpdated, { version, shipment: snapshot(row) }, { source: "shipping", traceId });
  const write = before
    ? db
        .update(shipments)
        .set(row)
        .where(and(eq(shipments.id, before.id), eq(shipments.version, before.version)))
    : db.insert(shipments).values(row);
  return [
    write,
    db.insert(shipmentChanges).values({ shipmentId: row.id, version, eventId: event.id, at: now }),
    stageEvent(db, event),
  ];
}
