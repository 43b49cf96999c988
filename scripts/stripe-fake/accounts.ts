// Connected accounts (Express), account links, and the onboarding page a link opens: visiting it completes onboarding.
import { invalidRequest, noSuch } from "./errors.ts";
import type { Account, AccountLink } from "./objects.ts";
import {
  metadata,
  oneOf,
  optionalBoolean,
  optionalHash,
  optionalString,
  rejectUnknown,
  requiredString,
} from "./params.ts";
import { type Context, ok, type Reply, route } from "./router.ts";
import { newId, nowSeconds, randomToken } from "./state.ts";

const CREATE_PARAMS = [
  "type",
  "email",
  "metadata",
  "country",
  "default_currency",
  "business_type",
  "capabilities",
  "business_profile",
  "company",
  "controller",
  "individual",
  "settings",
  "tos_acceptance",
];
const LINK_PARAMS = ["account", "type", "refresh_url", "return_url", "collect", "collection_options"];
const LINK_LIFETIME_SECONDS = 300;
const CURRENCIES: Record<string, string> = {
  US: "usd",
  GB: "gbp",
  CA: "cad",
  AU: "aud",
  JP: "jpy",
  CH: "chf",
  SE: "sek",
  NO: "nok",
  DK: "dkk",
};
const DUE_BEFORE_ONBOARDING = ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"];

function requestedCapabilities(c: Context): Account["capabilities"] {
  const hash = optionalHash(c.params, "capabilities") ?? {};
  const capabilities: Account["capabilities"] = {};
  for (const name of Object.keys(hash)) {
    const capability = optionalHash(hash, name);
    if (capability && optionalBoolean(capability, "requested")) capabilities[name] = "inactive";
  }
  return capabilities;
}

/** What finishing Stripe's hosted onboarding does to an account; the account.updated event says what changed. */
function completeOnboarding(c: Context, account: Account): void {
  if (account.details_submitted && account.payouts_enabled) return;
  const previous = {
    capabilities: { ...account.capabilities },
    charges_enabled: account.charges_enabled,
    details_submitted: account.details_submitted,
    payouts_enabled: account.payouts_enabled,
    requirements: structuredClone(account.requirements),
  };
  const requested = Object.keys(account.capabilities);
  for (const name of requested.length ? requested : ["transfers"]) account.capabilities[name] = "active";
  account.charges_enabled = true;
  account.payouts_enabled = true;
  account.details_submitted = true;
  account.requirements = { currently_due: [], eventually_due: [], past_due: [], disabled_reason: null };
  c.fake.events.emit(
    "account.updated",
    account,
    { requestId: null, idempotencyKey: null },
    { previousAttributes: previous, account: account.id },
  );
}

const redirect = (location: string): Reply => ({ status: 302, headers: { location } });

export const accountRoutes = [
  route("POST", "/v1/accounts", (c) => {
    rejectUnknown(c.params, CREATE_PARAMS);
    const type = oneOf(c.params, "type", ["express", "standard", "custom"]) ?? "standard";
    const country = (optionalString(c.params, "country") ?? "US").toUpperCase();
    const account: Account = {
      id: newId("acct"),
      object: "account",
      business_type: optionalString(c.params, "business_type") ?? null,
      capabilities: requestedCapabilities(c),
      charges_enabled: false,
      country,
      created: nowSeconds(),
      default_currency: optionalString(c.params, "default_currency")?.toLowerCase() ?? CURRENCIES[country] ?? "eur",
      details_submitted: false,
      email: optionalString(c.params, "email") ?? null,
      metadata: metadata(c.params),
      payouts_enabled: false,
      requirements: {
        currently_due: [...DUE_BEFORE_ONBOARDING],
        eventually_due: [...DUE_BEFORE_ONBOARDING],
        past_due: [...DUE_BEFORE_ONBOARDING],
        disabled_reason: "requirements.past_due",
      },
      type,
    };
    c.fake.store.accounts.set(account.id, account);
    return ok(account);
  }),

  route("GET", "/v1/accounts/:id", (c) => {
    const account = c.fake.store.accounts.get(c.path.id);
    if (!account) throw noSuch("account", c.path.id);
    return ok(account);
  }),

  route("POST", "/v1/account_links", (c) => {
    rejectUnknown(c.params, LINK_PARAMS);
    const accountId = requiredString(c.params, "account");
    const type = oneOf(c.params, "type", ["account_onboarding", "account_update"]);
    if (type === undefined)
      throw invalidRequest("Missing required param: type.", { code: "parameter_missing", param: "type" });
    if (!c.fake.store.accounts.has(accountId)) throw noSuch("account", accountId, "account");
    const created = nowSeconds();
    const token = randomToken(24);
    c.fake.store.onboardingLinks.set(token, {
      account: accountId,
      refreshUrl: optionalString(c.params, "refresh_url") ?? null,
      returnUrl: optionalString(c.params, "return_url") ?? null,
      expiresAt: created + LINK_LIFETIME_SECONDS,
      used: false,
    });
    const link: AccountLink = {
      object: "account_link",
      created,
      expires_at: created + LINK_LIFETIME_SECONDS,
      url: `${c.fake.baseUrl}/_fake/onboarding/${accountId}?link=${token}`,
    };
    return ok(link);
  }),
];

/** Not part of Stripe's API: the page an account link opens. Like Stripe, a used or expired link sends to refresh_url. */
export const onboardingRoutes = [
  route("GET", "/_fake/onboarding/:account", (c) => {
    const account = c.fake.store.accounts.get(c.path.account);
    if (!account) throw noSuch("account", c.path.account);
    const token = c.query.get("link");
    const link = token === null ? undefined : c.fake.store.onboardingLinks.get(token);
    if (token !== null && link?.account !== account.id) throw invalidRequest("Unknown account link.", { status: 404 });
    if (link) {
      if (link.used || link.expiresAt < nowSeconds()) {
        if (link.refreshUrl) return redirect(link.refreshUrl);
        throw invalidRequest("This account link has expired or was already used.", { status: 410 });
      }
      link.used = true;
    }
    completeOnboarding(c, account);
    return link?.returnUrl ? redirect(link.returnUrl) : ok({ onboarded: true, account });
  }),
];
