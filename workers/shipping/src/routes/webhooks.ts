import { drizzle } from "drizzle-orm/d1";
import { CarrierEvent, carrierWebhook } from "#lib/contracts/api/shipping.ts";
import { createRoutes } from "#lib/http/app.ts";
import { log } from "#lib/http/log.ts";
import { ProblemError, validationErrors } from "#lib/http/problem.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import { applyCarrierEvent } from "../services/carrier-events.ts";
import { carrierSecret, verifySignature } from "../services/signature.ts";

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A carrier's webhook: the raw body is verified before anything is read from it. */
export const webhookRoutes = createRoutes<Env>().openapi(
  // No body validator here: the signature covers the exact bytes, so the body is read as text, then verified.
  { ...carrierWebhook, request: { params: carrierWebhook.request.params } },
  async (c) => {
    const { carrier } = c.req.valid("param");
    const secret = carrierSecret(c.env.CARRIER_WEBHOOK_SECRETS, carrier);
    if (!secret) {
      throw new ProblemError(400, "The request param is invalid.", {
        errors: [{ path: "carrier", message: "Not a carrier this marketplace takes webhooks from." }],
      });
    }
    const payload = await c.req.text();
    await verifySignature(secret, c.req.header("carrier-signature"), payload);
    const parsed = CarrierEvent.safeParse(json(payload));
    if (!parsed.success) {
      throw new ProblemError(400, "The request json is invalid.", { errors: validationErrors(parsed.error) });
    }
    const result = await withOutbox(c.env, c.executionCtx, () =>
      applyCarrierEvent(drizzle(c.env.DB), carrier, parsed.data, c.get("traceId")),
    );
    log("info", "shipping", {
      msg: "carrier event",
      carrier,
      eventId: parsed.data.id,
      status: parsed.data.status,
      result,
      traceId: c.get("traceId"),
    });
    return c.json({ received: true as const, result }, 200);
  },
);
