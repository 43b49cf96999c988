import { z } from "@hono/zod-openapi";
import { COUNTRY_CODES, isPostalCodeFor } from "#lib/contracts/countries.ts";
import { apiRoute, IdParam, jsonBody, jsonResponse, Page, PageQuery, problems } from "./route.ts";

const Phone = z.string().regex(/^\+[1-9]\d{6,14}$/, "Use E.164 format, such as +14155550123.");

export const Profile = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Profile");
export type Profile = z.infer<typeof Profile>;

export const ProfilePatch = z
  .strictObject({ name: z.string().trim().min(1).max(100).optional(), phone: Phone.nullable().optional() })
  .openapi("ProfilePatch");

const addressFields = {
  label: z.string().trim().max(40).nullable().optional(),
  recipient: z.string().trim().min(1).max(100),
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).nullable().optional(),
  city: z.string().trim().min(1).max(100),
  region: z.string().trim().max(100).nullable().optional(),
  postalCode: z.string().trim().min(2).max(12),
  country: z
    .string()
    .transform((code) => code.toUpperCase())
    .refine((code) => COUNTRY_CODES.has(code), "Use an ISO 3166-1 alpha-2 country code, such as DE."),
  phone: Phone.nullable().optional(),
  isDefault: z.boolean().optional(),
};

/** The postal code must fit the country's shape; checked on create and on the merged result of an edit. */
export function postalCodeIssue(address: { country: string; postalCode: string }) {
  return isPostalCodeFor(address.country, address.postalCode)
    ? undefined
    : { path: "postalCode", message: `Not a valid postal code for ${address.country}.` };
}

export const AddressInput = z
  .strictObject(addressFields)
  .superRefine((address, ctx) => {
    const issue = postalCodeIssue(address);
    if (issue) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  })
  .openapi("AddressInput");
export type AddressInput = z.infer<typeof AddressInput>;

export const AddressPatch = z.strictObject(addressFields).partial().openapi("AddressPatch");
export type AddressPatch = z.infer<typeof AddressPatch>;

export const Address = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    recipient: z.string(),
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    region: z.string().nullable(),
    postalCode: z.string(),
    country: z.string(),
    phone: z.string().nullable(),
    isDefault: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Address");
export type Address = z.infer<typeof Address>;

export const getMe = apiRoute({
  method: "get",
  path: "/api/v1/me",
  "x-access": "customer",
  summary: "The caller's profile",
  operationId: "getMe",
  description:
    "Answers the caller's profile, from the moment registration answers (users creates it from auth's account if `user.registered` has not arrived yet).",
  responses: {
    200: jsonResponse(Profile, "The profile"),
    404: problems("The account no longer exists", "not-found"),
  },
});

export const patchMe = apiRoute({
  method: "patch",
  path: "/api/v1/me",
  "x-access": "customer",
  summary: "Edit the caller's profile",
  operationId: "updateMe",
  description: "Edits the caller's name or phone; fields left out are unchanged.",
  request: jsonBody(ProfilePatch),
  responses: {
    200: jsonResponse(Profile, "The updated profile"),
    404: problems("The account no longer exists", "not-found"),
  },
});

export const listAddresses = apiRoute({
  method: "get",
  path: "/api/v1/me/addresses",
  "x-access": "customer",
  summary: "The caller's addresses, oldest first",
  operationId: "listAddresses",
  description: "Lists the caller's saved addresses, oldest first.",
  request: { query: PageQuery },
  responses: { 200: jsonResponse(Page(Address), "A page of addresses") },
});

export const createAddress = apiRoute({
  method: "post",
  path: "/api/v1/me/addresses",
  "x-access": "customer",
  summary: "Add an address",
  operationId: "createAddress",
  description:
    "Saves a shipping address; postal codes are checked for the country. An account keeps a bounded number of addresses (`limit-reached`).",
  request: jsonBody(AddressInput),
  responses: { 201: jsonResponse(Address, "The new address"), 409: problems("Too many addresses", "limit-reached") },
});

export const patchAddress = apiRoute({
  method: "patch",
  path: "/api/v1/me/addresses/{id}",
  "x-access": "customer",
  summary: "Edit one of the caller's addresses",
  operationId: "updateAddress",
  description: "Edits one of the caller's addresses; another user's address is a 404.",
  request: { params: IdParam, ...jsonBody(AddressPatch) },
  responses: {
    200: jsonResponse(Address, "The updated address"),
    404: { description: "No such address of the caller's" },
  },
});

export const deleteAddress = apiRoute({
  method: "delete",
  path: "/api/v1/me/addresses/{id}",
  "x-access": "customer",
  summary: "Delete one of the caller's addresses",
  operationId: "deleteAddress",
  description: "Deletes one of the caller's addresses; another user's address is a 404.",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, 404: { description: "No such address of the caller's" } },
});

export const usersRoutes = [getMe, patchMe, listAddresses, createAddress, patchAddress, deleteAddress];
