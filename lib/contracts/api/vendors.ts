import { z } from "@hono/zod-openapi";
import { Email } from "./auth.ts";
import { apiRoute, jsonBody, jsonResponse, Page, PageQuery } from "./route.ts";

export const VendorStatus = z.enum(["pending", "approved", "rejected", "suspended"]);
export type VendorStatus = z.infer<typeof VendorStatus>;

export const Slug = z
  .string()
  .min(3)
  .max(40)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens.");

/** Commission in basis points: 1250 = 12.5 %. */
export const CommissionBps = z.number().int().min(0).max(5000);

export const PublicVendor = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), description: z.string(), createdAt: z.string() })
  .openapi("PublicVendor");

export const Vendor = PublicVendor.extend({
  status: VendorStatus,
  ownerUserId: z.string(),
  commissionBps: z.number().int(),
  updatedAt: z.string(),
}).openapi("Vendor");
export type Vendor = z.infer<typeof Vendor>;

export const StaffMember = z
  .object({ userId: z.string(), email: z.string(), role: z.enum(["owner", "staff"]), addedAt: z.string() })
  .openapi("StaffMember");
export type StaffMember = z.infer<typeof StaffMember>;

export const VendorApplication = z
  .strictObject({
    name: z.string().trim().min(2).max(80),
    slug: Slug,
    description: z.string().trim().max(2000).default(""),
  })
  .openapi("VendorApplication");

export const VendorPatch = z
  .strictObject({
    name: z.string().trim().min(2).max(80).optional(),
    description: z.string().trim().max(2000).optional(),
  })
  .openapi("VendorPatch");

export const VendorDecision = z
  .strictObject({ reason: z.string().trim().max(500).optional(), commissionBps: CommissionBps.optional() })
  .openapi("VendorDecision");

const VendorIdParam = z.object({ id: z.string().min(1).max(64) });

export const applyForVendor = apiRoute({
  method: "post",
  path: "/api/v1/vendors",
  "x-access": "customer",
  summary: "Apply to sell: the caller becomes the owner of a pending vendor",
  request: jsonBody(VendorApplication),
  responses: {
    201: jsonResponse(Vendor, "The application"),
    409: { description: "Slug taken, or the caller already belongs to a vendor" },
  },
});

export const getVendorBySlug = apiRoute({
  method: "get",
  path: "/api/v1/vendors/{slug}",
  "x-access": "anonymous",
  summary: "A store's public profile (approved stores only)",
  request: { params: z.object({ slug: z.string().min(1).max(40) }) },
  responses: { 200: jsonResponse(PublicVendor, "The store"), 404: { description: "No approved store with that slug" } },
});

export const getMyVendorApplication = apiRoute({
  method: "get",
  path: "/api/v1/me/vendor",
  "x-access": "customer",
  summary: "The vendor the caller owns or staffs, in any status",
  responses: { 200: jsonResponse(Vendor, "The vendor"), 404: { description: "The caller belongs to no vendor" } },
});

export const getMyVendor = apiRoute({
  method: "get",
  path: "/api/v1/vendor",
  "x-access": "vendor",
  summary: "The caller's store",
  responses: { 200: jsonResponse(Vendor, "The store") },
});

export const patchMyVendor = apiRoute({
  method: "patch",
  path: "/api/v1/vendor",
  "x-access": "vendor",
  summary: "Edit the caller's store profile",
  request: jsonBody(VendorPatch),
  responses: { 200: jsonResponse(Vendor, "The updated store") },
});

export const listStaff = apiRoute({
  method: "get",
  path: "/api/v1/vendor/staff",
  "x-access": "vendor",
  summary: "The store's owner and staff",
  responses: { 200: jsonResponse(z.object({ items: z.array(StaffMember) }), "The staff") },
});

export const addStaff = apiRoute({
  method: "post",
  path: "/api/v1/vendor/staff",
  "x-access": "vendor",
  summary: "Add a registered user as staff (owner only)",
  request: jsonBody(z.strictObject({ email: Email })),
  responses: {
    201: jsonResponse(StaffMember, "Added"),
    403: { description: "Only the owner manages staff" },
    404: { description: "No account with that email" },
    409: { description: "That user already belongs to a vendor" },
  },
});

export const removeStaff = apiRoute({
  method: "delete",
  path: "/api/v1/vendor/staff/{userId}",
  "x-access": "vendor",
  summary: "Remove a staff member (owner only)",
  request: { params: z.object({ userId: z.string().min(1).max(64) }) },
  responses: {
    204: { description: "Removed" },
    403: { description: "Only the owner manages staff" },
    404: { description: "Not staff of this store" },
  },
});

export const adminListVendors = apiRoute({
  method: "get",
  path: "/api/v1/admin/vendors",
  "x-access": "admin",
  summary: "Vendors, filtered by status, oldest first",
  request: { query: PageQuery.extend({ status: VendorStatus.optional() }) },
  responses: { 200: jsonResponse(Page(Vendor), "A page of vendors") },
});

function decisionRoute<A extends string>(action: A, summary: string) {
  return apiRoute({
    method: "post",
    path: `/api/v1/admin/vendors/{id}/${action}` as `/api/v1/admin/vendors/{id}/${A}`,
    "x-access": "admin",
    summary,
    request: { params: VendorIdParam, ...jsonBody(VendorDecision) },
    responses: {
      200: jsonResponse(Vendor, "The vendor in its new status"),
      404: { description: "No such vendor" },
      409: { description: "Not allowed from the vendor's current status" },
    },
  });
}

export const approveVendor = decisionRoute("approve", "Approve a pending vendor, or reinstate a suspended one");
export const rejectVendor = decisionRoute("reject", "Reject a pending application");
export const suspendVendor = decisionRoute("suspend", "Suspend an approved vendor: its products leave every listing");

export const vendorsRoutes = [
  applyForVendor,
  getVendorBySlug,
  getMyVendorApplication,
  getMyVendor,
  patchMyVendor,
  listStaff,
  addStaff,
  removeStaff,
  adminListVendors,
  approveVendor,
  rejectVendor,
  suspendVendor,
];
