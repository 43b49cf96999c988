// One marketplace for the whole suite: a fresh state folder, migrated, an admin account, the Stripe fake (in this
// process: it is "Stripe" and outlives every crash), and `wrangler dev` with every Worker. The tests crash and restart
// it through a small control server, since only this process owns the wrangler child.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { argon2id } from "@noble/hashes/argon2.js";
import type { TestProject } from "vitest/node";
import { newId } from "#lib/contracts/ids.ts";
import { startStripeFake } from "../../scripts/stripe-fake/server.ts";
import { ROOT } from "../../scripts/workers.ts";
import { LocalState } from "./local-db.ts";
import { freePort, migratedState, System } from "./system.ts";

export const ADMIN_EMAIL = "reliability-admin@example.com";
export const PASSWORD = "a long enough password";

/** An Argon2id hash in the PHC format auth stores and verifies (workers/auth/src/services/passwords.ts, same parameters). */
function hashPassword(password: string): string {
  const params = { m: 19_456, t: 2, p: 1 };
  const salt = randomBytes(16);
  const hash = argon2id(password, salt, { ...params, dkLen: 32 });
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/=+$/, "");
  return `$argon2id$v=19$m=${params.m},t=${params.t},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

export default async function setup(project: TestProject) {
  const t0 = Date.now();
  const runDir = mkdtempSync(`${tmpdir()}/marketplace-reliability-`);
  const stateDir = `${runDir}/state`;
  const configHome = `${runDir}/config`;
  mkdirSync(configHome, { recursive: true });
  mkdirSync(`${ROOT}reports`, { recursive: true });
  const journalFile = `${ROOT}reports/reliability-journal.log`;
  writeFileSync(journalFile, "");
  const note = (line: string) => writeFileSync(journalFile, `[setup] ${line}\n`, { flag: "a" });

  const [port, inspectorPort] = [await freePort(), await freePort()];
  const webhookSecret = `whsec_reliability_${randomBytes(8).toString("hex")}`;
  const keySecret = randomBytes(32).toString("hex");
  const stripe = await startStripeFake({
    port: 0,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe`,
    webhookSecret,
  });

  const { cached, template } = await migratedState({ stateDir, configHome });
  const migrated = Date.now() - t0;
  // The public API never grants admin: the account is written into auth's database before the system starts.
  const now = new Date().toISOString();
  new LocalState(stateDir).writeWhileStopped(
    "auth",
    "INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    newId("user"),
    ADMIN_EMAIL,
    "Reliability Admin",
    hashPassword(PASSWORD),
    JSON.stringify(["customer", "admin"]),
    now,
    now,
  );

  const system = new System({
    stateDir,
    configHome,
    port,
    inspectorPort,
    logFile: `${ROOT}reports/reliability-wrangler.log`,
    secrets: {
      KEY_ENCRYPTION_SECRET: keySecret,
      WEBHOOK_SECRET_KEY: crypto.randomUUID(),
      EMAIL_API_KEY: "unused-by-the-send-email-binding",
      CARRIER_WEBHOOK_SECRETS: JSON.stringify({ dhl: crypto.randomUUID() }),
      STRIPE_SECRET_KEY: "sk_test_reliability",
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: stripe.url,
    },
  });
  writeFileSync(system.opts.logFile, "");
  writeFileSync(`${ROOT}reports/reliability-tap.log`, "");
  const startMs = await system.start();
  note(
    `${cached ? `copied the migrated state template ${template}` : "migrated a fresh state folder (scripts/db-migrate.ts --persist-to)"} into ${stateDir} in ${(migrated / 1000).toFixed(1)} s; wrangler dev with every Worker answered on ${system.url} after ${(startMs / 1000).toFixed(1)} s; Stripe fake on ${stripe.url}`,
  );

  const login = await fetch(`${system.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.250" },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };

  // The queue tap (queue-tap/): a Worker in a `wrangler dev` of its own, sharing the dev registry, started when a
  // crash test first needs it. It is not part of the system under test and is never crashed.
  let tap: System | undefined;
  const startTap = async () => {
    if (tap) return tap.url;
    tap = new System({
      stateDir: `${runDir}/tap-state`,
      configHome,
      port: await freePort(),
      inspectorPort: await freePort(),
      logFile: `${ROOT}reports/reliability-tap.log`,
      configs: [`${ROOT}test/reliability/queue-tap/wrangler.toml`],
      healthPath: "/",
      secrets: {},
    });
    await tap.start();
    return tap.url;
  };

  // Crashes and restarts on request of the tests (which run in another process).
  const control = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const route = `${req.method} ${req.url}`;
    const act =
      route === "POST /crash"
        ? system.crash().then((killed) => ({ killed }))
        : route === "POST /restart"
          ? system.start().then((ms) => ({ ms }))
          : route === "POST /tap"
            ? startTap().then((url) => ({ url }))
            : undefined;
    if (!act) return reply(404, { error: `no control ${route}` });
    act.then(
      (body) => reply(200, body),
      (error: unknown) => reply(500, { error: String(error) }),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));

  project.provide("gatewayUrl", system.url);
  project.provide("stripeUrl", stripe.url);
  project.provide("controlUrl", `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  project.provide("stateDir", stateDir);
  project.provide("adminToken", accessToken);
  project.provide("keySecret", keySecret);
  project.provide("journalFile", journalFile);

  return async () => {
    await system.stop();
    await tap?.stop();
    await stripe.close();
    await new Promise((resolve) => control.close(resolve));
    if (process.env.RELIABILITY_KEEP_STATE) console.log(`state kept in ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    gatewayUrl: string;
    stripeUrl: string;
    controlUrl: string;
    stateDir: string;
    adminToken: string;
    keySecret: string;
    journalFile: string;
  }
}
