import { and, eq, lt, sql } from "drizzle-orm";
import { VendorApproved, VendorProfileUpdated, VendorSuspended } from "#lib/contracts/events/vendors.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { vendors } from "../db/schema.ts";

/** Approved (or reinstated): the store's products may be listed. */
export const onVendorApproved: Consumer<typeof VendorApproved> = {
  event: VendorApproved,
  effect(event, db) {
    const { vendorId, slug, name } = event.data;
    const updatedAt = event.occurredAt;
    return [
      db
        .insert(vendors)
        .values({ id: vendorId, slug, name, status: "approved", updatedAt })
        .onConflictDoUpdate({
          target: vendors.id,
          set: { slug, name, status: "approved", updatedAt },
          setWhere: sql`${vendors.updatedAt} < excluded.updated_at`,
        }),
    ];
  },
};

/** Suspended: every listing drops the store's products at once (they filter on the mirror's status). */
export const onVendorSuspended: Consumer<typeof VendorSuspended> = {
  event: VendorSuspended,
  effect(event, db) {
    return [
      db
        .update(vendors)
        .set({ status: "suspended", updatedAt: event.occurredAt })
        .where(newer(event.data.vendorId, event.occurredAt)),
    ];
  },
};

export const onVendorProfileUpdated: Consumer<typeof VendorProfileUpdated> = {
  event: VendorProfileUpdated,
  effect(event, db) {
    const { vendorId, slug, name } = event.data;
    return [
      db.update(vendors).set({ slug, name, updatedAt: event.occurredAt }).where(newer(vendorId, event.occurredAt)),
    ];
  },
};

/** Events may arrive out of order: an older one never overwrites a newer state. */
function newer(vendorId: string, occurredAt: string) {
  return and(eq(vendors.id, vendorId), lt(vendors.updatedAt, occurredAt));
}
