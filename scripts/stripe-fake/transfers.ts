// Connect transfers to connected accounts (separate charges and transfers) and their reversals.
import { invalidRequest, noSuch } from "./errors.ts";
import type { Transfer, TransferReversal } from "./objects.ts";
import {
  metadata,
  optionalInteger,
  optionalString,
  rejectUnknown,
  requiredCurrency,
  requiredInteger,
  requiredString,
} from "./params.ts";
import { type Context, ok, route } from "./router.ts";
import { newId, nowSeconds } from "./state.ts";

const CREATE_PARAMS = [
  "amount",
  "currency",
  "destination",
  "transfer_group",
  "metadata",
  "description",
  "source_transaction",
];
const REVERSAL_PARAMS = ["amount", "metadata", "description", "refund_application_fee"];

function find(c: Context<{ id: string }>): Transfer {
  const transfer = c.fake.store.transfers.get(c.path.id);
  if (!transfer) throw noSuch("transfer", c.path.id);
  return transfer;
}

export const transferRoutes = [
  route("POST", "/v1/transfers", (c) => {
    const { params } = c;
    const { store } = c.fake;
    rejectUnknown(params, CREATE_PARAMS);
    const amount = requiredInteger(params, "amount", 1);
    const currency = requiredCurrency(params);
    const destination = requiredString(params, "destination");
    if (!store.accounts.has(destination)) throw noSuch("destination", destination, "destination");
    const source = optionalString(params, "source_transaction");
    if (source !== undefined && store.charges.get(source)?.status !== "succeeded")
      throw noSuch("charge", source, "source_transaction");
    const id = newId("tr");
    const transfer: Transfer = {
      id,
      object: "transfer",
      amount,
      amount_reversed: 0,
      balance_transaction: newId("txn"),
      created: nowSeconds(),
      currency,
      description: optionalString(params, "description") ?? null,
      destination,
      destination_payment: newId("py"),
      livemode: false,
      metadata: metadata(params),
      reversals: { object: "list", data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
      reversed: false,
      source_transaction: source ?? null,
      source_type: "card",
      transfer_group: optionalString(params, "transfer_group") ?? null,
    };
    store.transfers.set(id, transfer);
    return ok(transfer);
  }),

  route("GET", "/v1/transfers/:id", (c) => ok(find(c))),

  route("POST", "/v1/transfers/:id/reversals", (c) => {
    rejectUnknown(c.params, REVERSAL_PARAMS);
    const transfer = find(c);
    const requested = optionalInteger(c.params, "amount", 1);
    const meta = metadata(c.params);
    const left = transfer.amount - transfer.amount_reversed;
    if (left === 0)
      throw invalidRequest(`Transfer ${transfer.id} has already been fully reversed.`, { param: "amount" });
    const amount = requested ?? left;
    if (amount > left) {
      throw invalidRequest(`Reversal amount (${amount}) is greater than the amount left on the transfer (${left})`, {
        code: "amount_too_large",
        param: "amount",
      });
    }
    const reversal: TransferReversal = {
      id: newId("trr"),
      object: "transfer_reversal",
      amount,
      balance_transaction: newId("txn"),
      created: nowSeconds(),
      currency: transfer.currency,
      destination_payment_refund: newId("pyr"),
      metadata: meta,
      source_refund: null,
      transfer: transfer.id,
    };
    c.fake.store.reversals.set(reversal.id, reversal);
    transfer.amount_reversed += amount;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    // Stripe lists newest first.
    transfer.reversals.data.unshift(reversal);
    transfer.reversals.total_count += 1;
    return ok(reversal);
  }),
];
