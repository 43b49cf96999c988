import { z } from "zod";

/** Amounts are integer minor units (cents) of an ISO 4217 currency. */
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "Use an ISO 4217 code such as EUR.")
  .refine((code) => SUPPORTED_CURRENCIES.has(code), "This currency is not supported.");

export const SUPPORTED_CURRENCIES = new Set([
  "EUR",
  "USD",
  "GBP",
  "CHF",
  "SEK",
  "DKK",
  "NOK",
  "PLN",
  "CAD",
  "AUD",
  "JPY",
]);

export const MinorUnits = z.number().int().min(0).max(100_000_000);

/**
 * The smallest amount Stripe charges in each currency, in minor units (Stripe's
 * published minimums). Checkout refuses an order below it: it could never be paid.
 */
export const MINIMUM_CHARGE: Record<string, number> = {
  EUR: 50,
  USD: 50,
  GBP: 30,
  CHF: 50,
  SEK: 300,
  DKK: 250,
  NOK: 300,
  PLN: 200,
  CAD: 50,
  AUD: 50,
  JPY: 50,
};
