import { ulid } from "ulid";

/** Prefixes of the marketplace's ids: `usr_01J…` sorts by creation time. */
export const ID_PREFIXES = {
  user: "usr",
  address: "adr",
  refreshToken: "rtk",
  tokenFamily: "fam",
  event: "evt",
  vendor: "ven",
  category: "cat",
  product: "prd",
  sku: "sku",
  image: "img",
  hold: "hld",
  order: "ord",
  subOrder: "sub",
  refundRequest: "rfq",
  notification: "ntf",
  delivery: "dlv",
  webhookEndpoint: "whe",
  webhookDelivery: "whd",
  webhookEvent: "wev",
  shippingProfile: "spf",
  shipment: "shp",
  review: "rev",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${ulid().toLowerCase()}`;
}
