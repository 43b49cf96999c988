import { describe, expect, it } from "vitest";
import { seal, unseal } from "../src/services/key-sealing.ts";
import { hashPassword, verifyPassword } from "../src/services/passwords.ts";

// Written by the hand-rolled btoa/atob code this Worker had before it used hono's base64 helpers:
// rows already in D1 hold values like these, so they must still read.
const OLD_SEALED = "FdReiM8XNZzpUgCL.IDpMr9y6CjQv+9S5WnxLpNtMaKuviN/6wXgKGyXuLR50arJ5kzUpL0I=";
const OLD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$b+FsB6rw3lWDZdnzkxFGGQ$1sp+2e5zkvhMLKUAzRqLucZb9MWrlHPSM7/bHcx6XR0";
const oldDecode = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

describe("stored formats", () => {
  it("unseals a signing key sealed before (standard base64 with padding)", async () => {
    expect(await unseal("fixture-secret", OLD_SEALED)).toBe('{"kty":"EC","d":"fixtur"}');
  });

  it("seals in the same format: two standard base64 parts the old decoder reads", async () => {
    const sealed = await seal("fixture-secret", "a key");
    const [iv = "", data = ""] = sealed.split(".");
    expect(iv).toMatch(/^[A-Za-z0-9+/]{16}$/);
    expect(data).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(oldDecode(iv)).toHaveLength(12);
    expect(await unseal("fixture-secret", sealed)).toBe("a key");
  });

  it("verifies a password hashed before (PHC, unpadded standard base64 with + and /)", () => {
    expect(verifyPassword("correct horse battery staple", OLD_HASH)).toBe(true);
    expect(verifyPassword("correct horse battery stable", OLD_HASH)).toBe(false);
  });

  it("hashes in the same PHC format", () => {
    const phc = hashPassword("another password");
    const [salt = "", hash = ""] = phc.split("$").slice(-2);
    expect(phc.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(oldDecode(salt)).toHaveLength(16);
    expect(oldDecode(hash)).toHaveLength(32);
    expect(`${salt}${hash}`).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(verifyPassword("another password", phc)).toBe(true);
  });
});
