import { z } from "@hono/zod-openapi";
import { Email } from "./auth.ts";
import { apiRoute, jsonBody, jsonResponse, Page, PageQuery, problems } from "./route.ts";

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
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    createdAt: z.string(),
    rating: z.number().openapi({ description: "Average of the visible reviews of the store's products; 0 with none" }),
    ratingCount: z.number().int(),
  })
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
  operationId: "applyForVendor",
  description:
    "Creates a pending vendor owned by the caller; an administrator approves it before it can sell. The slug must be free (`slug-taken`) and a user belongs to one vendor at most (`already-vendor-member`).",
  request: jsonBody(VendorApplication),
  responses: {
    201: jsonResponse(Vendor, "The application"),
    404: problems("The caller's account no longer exists", "not-found"),
    409: problems("Slug taken, or the caller already belongs to a vendor", "slug-taken", "already-vendor-member"),
  },
});

export const getVendorBySlug = apiRoute({
  method: "get",
  path: "/api/v1/vendors/{slug}",
  "x-access": "anonymous",
  summary: "A store's public profile (approved stores only)",
  operationId: "getVendorBySlug",
  description: "Answers an approved store's public profile; pending, rejected and suspended stores are a 404.",
  request: { params: z.object({ slug: z.string().min(1).max(40) }) },
  responses: { 200: jsonResponse(PublicVendor, "The store"), 404: { description: "No approved store with that slug" } },
});

export const getMyVendorApplication = apiRoute({
  method: "get",
  path: "/api/v1/me/vendor",
  "x-access": "customer",
  summary: "The vendor the caller owns or staffs, in any status",
  operationId: "getMyVendorApplication",
  description:
    "Answers the vendor the caller owns or staffs, whatever its status: how an applicant follows its application.",
  responses: { 200: jsonResponse(Vendor, "The vendor"), 404: { description: "The caller belongs to no vendor" } },
});

export const getMyVendor = apiRoute({
  method: "get",
  path: "/api/v1/vendor",
  "x-access": "vendor",
  summary: "The caller's store",
  operationId: "getMyVendor",
  description: "Answers the caller's store with its commission and status.",
  responses: { 200: jsonResponse(Vendor, "The store") },
});

export const patchMyVendor = apiRoute({
  method: "patch",
  path: "/api/v1/vendor",
  "x-access": "vendor",
  summary: "Edit the caller's store profile",
  operationId: "updateMyVendor",
  description: "Edits the caller's store profile (name, description); fields left out are unchanged.",
  request: jsonBody(VendorPatch),
  responses: { 200: jsonResponse(Vendor, "The updated store") },
});

export const listStaff = apiRoute({
  method: "get",
  path: "/api/v1/vendor/staff",
  "x-access": "vendor",
  summary: "The store's owner and staff",
  operationId: "listStaff",
  description: "Lists the store's owner and staff members.",
  responses: { 200: jsonResponse(z.object({ items: z.array(StaffMember) }), "The staff") },
});

export const addStaff = apiRoute({
  method: "post",
  path: "/api/v1/vendor/staff",
  "x-access": "vendor",
  summary: "Add a registered user as staff (owner only)",
  operationId: "addStaff",
  description:
    "Adds a registered user, found by email, as staff of the caller's store. Only the owner may (`not-store-owner`); a user already in a vendor is refused (`already-vendor-member`).",
  request: jsonBody(z.strictObject({ email: Email })),
  responses: {
    201: jsonResponse(StaffMember, "Added"),
    403: problems("Only the owner manages staff", "not-store-owner"),
    404: { description: "No account with that email" },
    409: problems("That user already belongs to a vendor", "already-vendor-member"),
  },
});

export const removeStaff = apiRoute({
  method: "delete",
  path: "/api/v1/vendor/staff/{userId}",
  "x-access": "vendor",
  summary: "Remove a staff member (owner only)",
  operationId: "removeStaff",
  description: "Removes a staff member from the caller's store; only the owner may (`not-store-owner`).",
  request: { params: z.object({ userId: z.string().min(1).max(64) }) },
  responses: {
    204: { description: "Removed" },
    403: problems("Only the owner manages staff", "not-store-owner"),
    404: { description: "Not staff of this store" },
  },
});

export const adminListVendors = apiRoute({
  method: "get",
  path: "/api/v1/admin/vendors",
  "x-access": "admin",
  summary: "Vendors, filtered by status, oldest first",
  operationId: "listVendors",
  description: "Lists every vendor, optionally of one status, oldest first: the administrators' review queue.",
  request: { query: PageQuery.extend({ status: VendorStatus.optional() }) },
  responses: { 200: jsonResponse(Page(Vendor), "A page of vendors") },
});

function decisionRoute<A extends string>(action: A, summary: string) {
  return apiRoute({
    method: "post",
    path: `/api/v1/admin/vendors/{id}/${action}` as `/api/v1/admin/vendors/{id}/${A}`,
    "x-access": "admin",
    summary,
    operationId: `${action}Vendor`,
    description: `${summary}. The decision and its note are kept in the vendor's history; a status it cannot come from is \`vendor-transition-refused\`.`,
    request: { params: VendorIdParam, ...jsonBody(VendorDecision) },
    responses: {
      200: jsonResponse(Vendor, "The vendor in its new status"),
      404: { description: "No such vendor" },
      409: problems("Not allowed from the vendor's current status", "vendor-transition-refused", "edit-conflict"),
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
