/**
 * Whether a vendor may point a webhook at this URL, or why not. https only, no
 * credentials, and no IP literal in a private, loopback, link-local or other
 * non-public range (SSRF). Names that resolve to such addresses are not caught
 * here: Workers' fetch cannot reach private networks anyway. `allowLocal` (local
 * development) also admits http://localhost and http://127.0.0.1.
 */
export function refuseWebhookUrl(value: string, allowLocal: boolean): string | null {
  const url = URL.parse(value);
  if (!url) return "Not a URL.";
  const host = url.hostname.toLowerCase();
  const local = host === "localhost" || host === "127.0.0.1";
  if (allowLocal && local && (url.protocol === "http:" || url.protocol === "https:")) return null;
  if (url.protocol !== "https:") return "Use an https: URL.";
  if (url.username || url.password) return "A URL must not carry credentials.";
  if (host === "localhost" || host.endsWith(".localhost")) return "A local host cannot receive webhooks.";
  if (isNonPublicIp(host)) return "A private, loopback or link-local address cannot receive webhooks.";
  return null;
}

function isNonPublicIp(host: string): boolean {
  if (host.startsWith("[")) return isNonPublicIpv6(host.slice(1, -1));
  // URL has already normalised decimal, octal and hex spellings of IPv4 to dotted quads.
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return false;
  const [a = 0, b = 0] = parts.map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isNonPublicIpv6(ip: string): boolean {
  if (ip === "::" || ip === "::1") return true;
  // IPv4-mapped (::ffff:a.b.c.d, which URL writes as ::ffff:xxxx:xxxx): judge the IPv4 inside.
  const mapped = ip.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (mapped) {
    const [hi, lo] = [Number.parseInt(mapped[1] ?? "0", 16), Number.parseInt(mapped[2] ?? "0", 16)];
    return isNonPublicIp(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  const first = Number.parseInt(ip.split(":")[0] || "0", 16);
  // fc00::/7 unique local, fe80::/10 link-local, ff00::/8 multicast; and everything outside 2000::/3 is not public.
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || first >= 0xff00 || (first & 0xe000) !== 0x2000;
}
