// Everything the fake remembers, in memory: Stripe objects by id, in creation order (Maps keep insertion order).
import { randomBytes } from "node:crypto";
import type { Account, Charge, Dispute, PaymentIntent, Refund, Transfer, TransferReversal } from "./objects.ts";

/** What an account link's URL needs when it is opened. */
export interface OnboardingLink {
  account: string;
  refreshUrl: string | null;
  returnUrl: string | null;
  expiresAt: number;
  used: boolean;
}

export class Store {
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly transfers = new Map<string, Transfer>();
  readonly reversals = new Map<string, TransferReversal>();
  readonly accounts = new Map<string, Account>();
  readonly disputes = new Map<string, Dispute>();
  readonly onboardingLinks = new Map<string, OnboardingLink>();

  /** Every kind of object by its name in `GET /_fake/objects/:kind`. */
  private get kinds(): Record<string, Map<string, object>> {
    return {
      payment_intents: this.paymentIntents,
      charges: this.charges,
      refunds: this.refunds,
      transfers: this.transfers,
      transfer_reversals: this.reversals,
      accounts: this.accounts,
      disputes: this.disputes,
    };
  }

  /** Any object by its id, for `expand[]`. */
  find(id: string): object | undefined {
    for (const map of Object.values(this.kinds)) {
      const found = map.get(id);
      if (found) return found;
    }
    return undefined;
  }

  /** The listing behind `GET /_fake/objects/:kind`. */
  list(kind: string): object[] | undefined {
    const map = this.kinds[kind];
    return map ? [...map.values()] : undefined;
  }

  reset(): void {
    for (const map of Object.values(this.kinds)) map.clear();
    this.onboardingLinks.clear();
  }
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random letters and digits, as in Stripe's ids. */
export function randomToken(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join("");
}

/** An id in Stripe's style: `pi_3Q…`, `ch_3Q…`, `acct_1Q…`. */
export const newId = (prefix: string) => `${prefix}_${randomToken(24)}`;

/** Unix seconds, Stripe's `created`. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);
