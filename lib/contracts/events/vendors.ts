import { z } from "zod";
import { defineEvent } from "./envelope.ts";

const VendorSnapshot = z.object({ vendorId: z.string(), slug: z.string(), name: z.string() });

/** Approved, or reinstated after a suspension: its products may be listed. */
export const VendorApproved = defineEvent(
  "vendor.approved",
  1,
  VendorSnapshot.extend({ commissionBps: z.number().int() }),
);

/** Suspended: its products leave every listing. */
export const VendorSuspended = defineEvent(
  "vendor.suspended",
  1,
  z.object({ vendorId: z.string(), reason: z.string().optional() }),
);

/** Name or description changed (search indexes the name). */
export const VendorProfileUpdated = defineEvent("vendor.profile_updated", 1, VendorSnapshot);

/** Someone applied to sell (admins are told). */
export const VendorApplied = defineEvent("vendor.applied", 1, VendorSnapshot.extend({ ownerUserId: z.string() }));

/** An application was turned down (its owner is told why). */
export const VendorRejected = defineEvent(
  "vendor.rejected",
  1,
  z.object({ vendorId: z.string(), reason: z.string().optional() }),
);
