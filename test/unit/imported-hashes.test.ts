import { scryptSync, pbkdf2Sync, randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { importedHashProblem } from "../../src/crypto/imported-hashes";
import { hashPassword, hashStats, needsRehash, pepperId, verifyAgainstDummy, verifyPassword } from "../../src/crypto/password";

const PW = "imported passphrase 1";
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const ab64 = (bytes: Uint8Array) => b64(bytes).replace(/=+$/, "").replace(/\+/g, ".");

/** What passlib writes for scrypt: $scrypt$ln=..,r=..,p=..$<ab64 salt>$<ab64 hash>. */
function passlibScrypt(password: string, ln = 10, r = 8, p = 1) {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 2 ** ln, r, p });
  return `$scrypt$ln=${ln},r=${r},p=${p}$${ab64(salt)}$${ab64(hash)}`;
}

/** Django's PBKDF2SHA256PasswordHasher: pbkdf2_sha256$<iterations>$<salt text>$<base64 hash>. */
function djangoPbkdf2(password: string, iterations: number) {
  const salt = "aZ09saltSALT1234";
  return `pbkdf2_sha256$${iterations}$${salt}$${b64(pbkdf2Sync(password, salt, iterations, 32, "sha256"))}`;
}

function passlibPbkdf2(password: string, iterations: number) {
  const salt = randomBytes(16);
  return `$pbkdf2-sha256$${iterations}$${ab64(salt)}$${ab64(pbkdf2Sync(password, salt, iterations, 32, "sha256"))}`;
}

describe("imported password hashes", () => {
  it("verify bcrypt $2a$, $2b$ and $2y$ with one evaluation, and ask for a rehash", async () => {
    const hash = await bcrypt.hash(PW, 6);
    for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
      const encoded = prefix + hash.slice(4);
      expect(importedHashProblem(encoded)).toBeNull();
      const before = hashStats.imported;
      expect(await verifyPassword(PW, encoded, "some-pepper")).toBe(true);
      expect(hashStats.imported - before).toBe(1);
      expect(await verifyPassword(`${PW}x`, encoded)).toBe(false);
      expect(needsRehash(encoded, "some-pepper")).toBe(true);
    }
  });

  it("verify passlib scrypt and both PBKDF2-SHA256 formats, above WebCrypto's 100,000 iterations too", async () => {
    for (const encoded of [passlibScrypt(PW), djangoPbkdf2(PW, 1_000), passlibPbkdf2(PW, 2_000), djangoPbkdf2(PW, 120_000)]) {
      expect(importedHashProblem(encoded)).toBeNull();
      expect(await verifyPassword(PW, encoded)).toBe(true);
      expect(await verifyPassword("another passphrase", encoded)).toBe(false);
    }
  });

  it("refuse unknown formats and parameters past the work limits", () => {
    expect(importedHashProblem("$argon2id$v=19$m=65536,t=3,p=4$abc$def")).toMatch(/unsupported/);
    expect(importedHashProblem(`$2b$15$${"a".repeat(53)}`)).toMatch(/cost/);
    expect(importedHashProblem(`pbkdf2_sha256$3000000$salt$${"A".repeat(43)}=`)).toMatch(/iterations/);
    expect(importedHashProblem(`$scrypt$ln=20,r=8,p=1$${"A".repeat(22)}$${"A".repeat(43)}`)).toMatch(/limits/);
    expect(importedHashProblem("plaintext-password")).toMatch(/unsupported/);
  });
});

describe("PASSWORD_PEPPER rotation", () => {
  it("records which pepper made a hash, verifies it with the previous pepper, and asks for a rehash under the new one", async () => {
    const old = await hashPassword(PW, "pepper-old");
    expect(old).toContain(`pep=1,pid=${pepperId("pepper-old")}$`);
    const rotating = { current: "pepper-new", previous: "pepper-old" };
    const before = hashStats.scrypt;
    expect(await verifyPassword(PW, old, rotating)).toBe(true);
    expect(hashStats.scrypt - before).toBe(1);
    expect(await verifyPassword("wrong passphrase", old, rotating)).toBe(false);
    expect(needsRehash(old, "pepper-new")).toBe(true);
    const upgraded = await hashPassword(PW, "pepper-new");
    expect(needsRehash(upgraded, "pepper-new")).toBe(false);
    // Previous removed: the old hash no longer verifies, the upgraded one does.
    expect(await verifyPassword(PW, old, { current: "pepper-new" })).toBe(false);
    expect(await verifyPassword(PW, upgraded, { current: "pepper-new" })).toBe(true);
  });

  it("keeps hashes made before pepper ids valid (they belong to the previous pepper during a rotation)", async () => {
    const legacy = (await hashPassword(PW, "pepper-old")).replace(/,pid=[0-9a-f]{8}/, "");
    expect(await verifyPassword(PW, legacy, "pepper-old")).toBe(true);
    expect(needsRehash(legacy, "pepper-old")).toBe(true);
    expect(await verifyPassword(PW, legacy, { current: "pepper-new", previous: "pepper-old" })).toBe(true);
  });

  it("costs one scrypt on the dummy path during a rotation too", async () => {
    const before = hashStats.scrypt;
    await verifyAgainstDummy(PW, { current: "a", previous: "b" });
    expect(hashStats.scrypt - before).toBe(1);
  });
});
