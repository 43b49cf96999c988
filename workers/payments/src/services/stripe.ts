import Stripe from "stripe";

/**
 * The real Stripe SDK over fetch. STRIPE_API_BASE points it at the local
 * Stripe-compatible server in development and tests; empty, it talks to Stripe.
 * Network errors are retried by the SDK with the same Idempotency-Key.
 */
export function stripeClient(env: Pick<Env, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">): Stripe {
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : undefined;
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    ...(base
      ? { host: base.hostname, port: Number(base.port), protocol: base.protocol === "https:" ? "https" : "http" }
      : {}),
  });
}

export const cryptoProvider = Stripe.createSubtleCryptoProvider();

/** Stripe wants lowercase currency codes; the marketplace speaks ISO 4217 uppercase. */
export const toStripeCurrency = (currency: string) => currency.toLowerCase();
export const fromStripeCurrency = (currency: string) => currency.toUpperCase();

/**
 * Whether Stripe answered "no" for good (a bad or impossible request, a card
 * refusal): retrying the same request will not change it. Anything else (no
 * answer, a 5xx, a concurrent request with the same idempotency key, a rate
 * limit) leaves the outcome unknown, and the request is retried with its key.
 */
export function isRefusal(error: unknown): error is Stripe.errors.StripeError {
  return (
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeCardError ||
    error instanceof Stripe.errors.StripePermissionError
  );
}
