import { VendorApplied, VendorApproved, VendorRejected, VendorSuspended } from "#lib/contracts/events/vendors.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notify, notifyVendor } from "../services/notify.ts";
import { adminRecipients } from "../services/recipients.ts";
import type { ConsumerContext } from "./context.ts";

/** Admins hear of applications; the owner hears each decision (a reinstatement after a suspension is a new one). */
export function vendorConsumers({ env, t }: ConsumerContext): Consumer[] {
  const applied: Consumer<typeof VendorApplied> = {
    event: VendorApplied,
    async effect({ data }, db) {
      const admins = await adminRecipients(env);
      const each = await Promise.all(admins.map((admin) => notify(db, admin, t.adminVendorApplication(data))));
      return each.flat();
    },
  };
  const approved: Consumer<typeof VendorApproved> = {
    event: VendorApproved,
    effect: (event, db) =>
      notifyVendor(env, db, event.data.vendorId, (v) => t.vendorDecision(event.id, v, "approved", undefined), {
        vendorId: event.data.vendorId,
        decision: "approved",
        reason: null,
      }),
  };
  const rejected: Consumer<typeof VendorRejected> = {
    event: VendorRejected,
    effect: (event, db) =>
      notifyVendor(env, db, event.data.vendorId, (v) => t.vendorDecision(event.id, v, "rejected", event.data.reason), {
        vendorId: event.data.vendorId,
        decision: "rejected",
        reason: event.data.reason ?? null,
      }),
  };
  const suspended: Consumer<typeof VendorSuspended> = {
    event: VendorSuspended,
    effect: (event, db) =>
      notifyVendor(env, db, event.data.vendorId, (v) => t.vendorDecision(event.id, v, "suspended", event.data.reason), {
        vendorId: event.data.vendorId,
        decision: "suspended",
        reason: event.data.reason ?? null,
      }),
  };
  return [applied, approved, rejected, suspended];
}
