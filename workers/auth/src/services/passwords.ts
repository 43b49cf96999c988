import { argon2id } from "@noble/hashes/argon2.js";
import { decodeBase64, encodeBase64 } from "hono/utils/encode";

// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
const PARAMS = { m: 19_456, t: 2, p: 1 } as const;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Verified against when the email is unknown, so a miss costs what a hit costs. */
export const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$3a9dtteARBvv9fbzjGBuVw$bzljzkof5euLOY/WtEg1YzfBp9Gu4gNxCV3oWk+jjgM";

export function hashPassword(password: string): string {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = argon2id(password, salt, { ...PARAMS, dkLen: 32 });
  return `$argon2id$v=19$m=${PARAMS.m},t=${PARAMS.t},p=${PARAMS.p}$${b64(salt)}$${b64(hash)}`;
}

/** Reads the parameters from the stored hash, so raising them later keeps old hashes valid. */
export function verifyPassword(password: string, phc: string): boolean {
  const match = PHC.exec(phc);
  if (!match) return false;
  const [, m = "", t = "", p = "", salt = "", expected = ""] = match;
  const want = decodeBase64(expected);
  const got = argon2id(password, decodeBase64(salt), { m: Number(m), t: Number(t), p: Number(p), dkLen: want.length });
  return got.length === want.length && crypto.subtle.timingSafeEqual(got, want);
}

/** PHC strings hold standard base64 without padding (decoding accepts it unpadded). */
function b64(bytes: Uint8Array): string {
  return encodeBase64(bytes.slice().buffer).replace(/=+$/, "");
}
