// `expand[]=latest_charge` (or dotted, `latest_charge.payment_intent`): an id field becomes the object it names.

type Lookup = (id: string) => object | undefined;

function expandPath(target: Record<string, unknown>, path: string[], find: Lookup): void {
  const [field, ...rest] = path;
  if (field === undefined) return;
  const value = target[field];
  if (typeof value === "string") {
    const found = find(value);
    if (found) target[field] = structuredClone(found);
  }
  const next = target[field];
  if (rest.length && next !== null && typeof next === "object") expandPath(next as Record<string, unknown>, rest, find);
}

/** A copy of `body` with the paths expanded; the stored objects are left as they are. */
export function expand(body: unknown, paths: readonly string[], find: Lookup): unknown {
  if (!paths.length || body === null || typeof body !== "object") return body;
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) expandPath(copy, path.split("."), find);
  return copy;
}
