// Reading Stripe's form parameters (`metadata[order_id]=…`, `expand[]=…`), parsed by qs, with Stripe's validation errors.
import qs from "qs";
import { invalidRequest, missingParam } from "./errors.ts";
import type { Metadata } from "./objects.ts";

export type Params = qs.ParsedQs;
type Value = Params[string];

export function parseForm(text: string): Params {
  try {
    return qs.parse(text, { depth: 5, strictDepth: true, parameterLimit: 1000, arrayLimit: 100, plainObjects: true });
  } catch {
    throw invalidRequest("Invalid request: parameters are nested too deeply.");
  }
}

/** Stripe refuses parameters an endpoint does not know: a typo fails loudly instead of being ignored. */
export function rejectUnknown(params: Params, known: readonly string[]): void {
  const unknown = Object.keys(params).find((name) => !known.includes(name) && name !== "expand");
  if (unknown !== undefined)
    throw invalidRequest(`Received unknown parameter: ${unknown}`, { code: "parameter_unknown", param: unknown });
}

function scalar(value: Value, param: string): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw invalidRequest(`Invalid string: ${param} must be a string.`, { code: "parameter_invalid_string", param });
}

export function optionalString(params: Params, param: string): string | undefined {
  const value = scalar(params[param], param);
  return value === "" ? undefined : value;
}

export function requiredString(params: Params, param: string): string {
  const value = optionalString(params, param);
  if (value === undefined) throw missingParam(param);
  return value;
}

export function optionalInteger(params: Params, param: string, min = 0): number | undefined {
  const value = optionalString(params, param);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value))
    throw invalidRequest(`Invalid integer: ${value}`, { code: "parameter_invalid_integer", param });
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw invalidRequest(`Invalid integer: ${value}`, { code: "parameter_invalid_integer", param });
  if (number < min)
    throw invalidRequest(`This value must be greater than or equal to ${min}.`, {
      code: "parameter_invalid_integer",
      param,
    });
  return number;
}

export function requiredInteger(params: Params, param: string, min = 0): number {
  const value = optionalInteger(params, param, min);
  if (value === undefined) throw missingParam(param);
  return value;
}

export function optionalBoolean(params: Params, param: string): boolean | undefined {
  const value = optionalString(params, param);
  if (value === undefined) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalidRequest(`Invalid boolean: ${value}`, { code: "parameter_invalid_boolean", param });
}

export function oneOf<T extends string>(params: Params, param: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(params, param);
  if (value === undefined) return undefined;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined)
    throw invalidRequest(`Invalid ${param}: must be one of ${allowed.join(", ")}`, {
      code: "parameter_invalid_string",
      param,
    });
  return match;
}

/** Three letters, lowercased as Stripe stores them. */
export function requiredCurrency(params: Params): string {
  const currency = requiredString(params, "currency");
  if (!/^[a-z]{3}$/i.test(currency))
    throw invalidRequest(`Invalid currency: ${currency.toLowerCase()}.`, {
      code: "parameter_invalid_string",
      param: "currency",
    });
  return currency.toLowerCase();
}

/** A nested hash such as `automatic_payment_methods[enabled]=true`. */
export function optionalHash(params: Params, param: string): Params | undefined {
  const value = params[param];
  if (value === undefined || value === "") return undefined;
  if (typeof value === "string" || Array.isArray(value))
    throw invalidRequest(`Invalid object: ${param}`, { code: "parameter_invalid_object", param });
  return value;
}

/** `metadata[key]=value`: up to 50 keys of 40 characters, values up to 500; an empty value removes the key. */
export function metadata(params: Params, current: Metadata = {}): Metadata {
  const hash = optionalHash(params, "metadata");
  if (hash === undefined) return { ...current };
  const result: Metadata = { ...current };
  for (const [key, value] of Object.entries(hash)) {
    const param = `metadata[${key}]`;
    if (typeof value !== "string")
      throw invalidRequest(`Invalid string: ${param}`, { code: "parameter_invalid_string", param });
    if (key.length > 40)
      throw invalidRequest(`Metadata keys can be at most 40 characters long.`, {
        code: "parameter_invalid_string",
        param,
      });
    if (value.length > 500)
      throw invalidRequest(`Metadata values can be at most 500 characters long.`, {
        code: "parameter_invalid_string",
        param,
      });
    if (value === "") delete result[key];
    else result[key] = value;
  }
  if (Object.keys(result).length > 50)
    throw invalidRequest("You can have at most 50 metadata keys.", {
      code: "parameter_invalid_object",
      param: "metadata",
    });
  return result;
}

/** `expand[]=latest_charge` (or `expand[0]=…`, as the SDK sends it). */
export function expandPaths(params: Params): string[] {
  const value = params.expand;
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : typeof value === "string" ? [value] : Object.values(value);
  return list.filter((path): path is string => typeof path === "string");
}
