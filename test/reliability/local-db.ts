// Reads the local state `wrangler dev --persist-to` keeps: each D1 database and each Durable Object is a SQLite file
// (WAL mode, so a read-only connection sees what is committed while workerd runs). Node 22's node:sqlite, no flag
// needed. Durable Object KV values are V8-serialized, which node:v8 reads back.
import { existsSync, readdirSync } from "node:fs";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { deserialize } from "node:v8";
import { sleepSync } from "./system.ts";

export type Domain = "auth" | "users" | "vendors" | "catalog" | "orders" | "payments";

/** A table only that domain's database has, to tell the files (named by a hash of the database id) apart. */
const SIGNATURE: Record<Domain, string> = {
  auth: "signing_keys",
  users: "profiles",
  vendors: "vendor_staff",
  catalog: "variants",
  orders: "idempotency_keys",
  payments: "ledger_entries",
};

/** Databases that keep a transactional outbox (`outbox.sent_at IS NULL` is unsent). */
export const OUTBOX_DOMAINS: Domain[] = ["auth", "vendors", "payments"];

const files = new Map<string, string>();

/** Opens, runs, closes; retried while workerd holds a lock (it recovers the WAL after a crash). */
function withDb<T>(path: string, readOnly: boolean, use: (db: DatabaseSync) => T): T {
  for (let attempt = 0; ; attempt++) {
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path, { readOnly, timeout: 5_000 });
      return use(db);
    } catch (error) {
      if (attempt >= 20 || !/locked|busy/i.test(String(error))) throw error;
      sleepSync(100);
    } finally {
      db?.close();
    }
  }
}

export class LocalState {
  readonly stateDir: string;

  constructor(stateDir: string) {
    this.stateDir = stateDir;
  }

  private file(domain: Domain): string {
    const cacheKey = `${this.stateDir}\n${domain}`;
    const known = files.get(cacheKey);
    if (known) return known;
    const dir = `${this.stateDir}/v3/d1/miniflare-D1DatabaseObject`;
    for (const name of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
      const tables = withDb(
        `${dir}/${name}`,
        true,
        (db) =>
          new Set(
            db
              .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
              .all()
              .map((r) => String(r.name)),
          ),
      );
      for (const [d, table] of Object.entries(SIGNATURE))
        if (tables.has(table)) files.set(`${this.stateDir}\n${d}`, `${dir}/${name}`);
    }
    const found = files.get(cacheKey);
    if (!found) throw new Error(`no local D1 database of ${domain} under ${dir} (migrated?)`);
    return found;
  }

  /** A read in its own connection, so it sees everything committed so far. */
  query<T = Record<string, unknown>>(domain: Domain, sql: string, ...params: SQLInputValue[]): T[] {
    return withDb(this.file(domain), true, (db) => db.prepare(sql).all(...params) as T[]);
  }

  /** A write: only while the system is stopped (before its first start), never beside a running workerd. */
  writeWhileStopped(domain: Domain, sql: string, ...params: SQLInputValue[]): void {
    withDb(this.file(domain), false, (db) => db.prepare(sql).run(...params));
  }

  /** Events a D1 outbox has not published yet. */
  unsentOutbox(domain: Domain): { id: string; type: string; attempts: number }[] {
    return this.query(domain, "SELECT id, type, attempts FROM outbox WHERE sent_at IS NULL");
  }

  /** Each object of a Durable Object class: its name (what `idFromName` was given) and its SQLite file. */
  private objects(namespace: string): { name: string; path: string }[] {
    const dir = `${this.stateDir}/v3/do/${namespace}`;
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
      .flatMap((f) => {
        const path = `${dir}/${f}`;
        const name = withDb(path, true, (db) =>
          db.prepare("SELECT name FROM sqlite_master WHERE name = '__miniflare_do_name'").all().length
            ? String(db.prepare("SELECT name FROM __miniflare_do_name").all()[0]?.name ?? "")
            : "",
        );
        return [{ name, path }];
      });
  }

  /** Every object's KV entries under `prefix`, values deserialized (the Order object keeps `state` and `outbox:<version>`). */
  durableObjectEntries(namespace: string, prefix: string): { object: string; key: string; value: unknown }[] {
    return this.objects(namespace).flatMap(({ name, path }) =>
      withDb(path, true, (db) => {
        if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = '_cf_KV'").all().length === 0) return [];
        return db
          .prepare("SELECT key, value FROM _cf_KV WHERE key >= ? AND key < ?")
          .all(prefix, `${prefix}\uffff`)
          .map((row) => ({
            object: name,
            key: String(row.key),
            value: deserialize(Buffer.from(row.value as Uint8Array)) as unknown,
          }));
      }),
    );
  }

  /** Stock of every SKU straight from its Inventory object's own tables. */
  inventory(): Map<string, { onHand: number; held: number }> {
    const levels = new Map<string, { onHand: number; held: number }>();
    for (const { path } of this.objects("catalog-Inventory")) {
      withDb(path, true, (db) => {
        if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'stock'").all().length === 0) return;
        for (const row of db.prepare("SELECT sku, on_hand, held FROM stock").all())
          levels.set(String(row.sku), { onHand: Number(row.on_hand), held: Number(row.held) });
      });
    }
    return levels;
  }
}
