// Stripe's error format: `{ error: { type, code, message, param, … } }` with Stripe's HTTP statuses.

export type StripeErrorType = "invalid_request_error" | "card_error" | "idempotency_error" | "api_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  [extra: string]: unknown;
}

/** Thrown by a handler; the server answers it as Stripe would. */
export class StripeApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;

  constructor(status: number, body: StripeErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
  }
}

const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replaceAll("_", "-")}`;

export function invalidRequest(
  message: string,
  details: { code?: string; param?: string; status?: number; extra?: Record<string, unknown> } = {},
): StripeApiError {
  const { code, param, status = 400, extra } = details;
  return new StripeApiError(status, {
    type: "invalid_request_error",
    message,
    ...(code ? { code, doc_url: docUrl(code) } : {}),
    ...(param ? { param } : {}),
    ...extra,
  });
}

export const missingParam = (param: string) =>
  invalidRequest(`Missing required param: ${param}.`, { code: "parameter_missing", param });

/** An object named in the URL is unknown (404), or one named by a parameter (400, with `param`). */
export function noSuch(label: string, id: string, param?: string): StripeApiError {
  return invalidRequest(`No such ${label}: '${id}'`, {
    code: "resource_missing",
    status: param ? 400 : 404,
    ...(param ? { param } : {}),
  });
}

export function cardError(
  code: string,
  declineCode: string,
  message: string,
  extra: Record<string, unknown>,
): StripeApiError {
  return new StripeApiError(402, {
    type: "card_error",
    code,
    decline_code: declineCode,
    message,
    doc_url: docUrl(code),
    ...extra,
  });
}

export function idempotencyError(key: string): StripeApiError {
  return new StripeApiError(400, {
    type: "idempotency_error",
    message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  });
}

export function unauthorized(message: string): StripeApiError {
  return new StripeApiError(401, { type: "invalid_request_error", message });
}
