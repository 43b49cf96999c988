import { z } from "zod";

/** Amounts are integer minor units (cents) of an ISO 4217 currency. */
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "Use an ISO 4217 code such as EUR.")
  .refine((code) => SUPPORTED_CURRENCIES.has(code), "This currency is not supported.");

export const SUPPORTED_CURRENCIES = new Set(["EUR", "USD", "GBP", "CHF", "SEK", "DKK", "NOK", "PLN", "CAD", "AUD", "JPY"]);

export const MinorUnits = z.number().int().min(0).max(100_000_000);
