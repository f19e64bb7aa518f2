import { describe, expect, it } from "vitest";
import {
  CURRENT_PARAMS,
  commonPasswordList,
  hashPassword,
  hashStats,
  needsRehash,
  passwordProblem,
  verifyAgainstDummy,
  verifyPassword,
} from "../../src/crypto/password";

describe("password hashing", () => {
  it("produces a self-describing scrypt string at OWASP's minimum parameters", async () => {
    const hash = await hashPassword("correct horse battery", undefined);
    expect(hash).toMatch(/^\$scrypt\$ln=14,r=8,p=5,pep=0\$[\w-]{22}\$[\w-]{43}$/);
    expect(CURRENT_PARAMS).toEqual({ ln: 14, r: 8, p: 5 });
  });

  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse battery", "pepper");
    expect(await verifyPassword("correct horse battery", hash, "pepper")).toBe(true);
    expect(await verifyPassword("correct horse batterz", hash, "pepper")).toBe(false);
  });

  it("salts: the same password hashes differently twice", async () => {
    expect(await hashPassword("same password here")).not.toBe(await hashPassword("same password here"));
  });

  it("binds a peppered hash to the pepper", async () => {
    const hash = await hashPassword("correct horse battery", "pepper-1");
    expect(await verifyPassword("correct horse battery", hash, "pepper-2")).toBe(false);
    await expect(verifyPassword("correct horse battery", hash, undefined)).rejects.toThrow(/PASSWORD_PEPPER/);
  });

  it("asks for a rehash when parameters or pepper changed", async () => {
    const weak = await hashPassword("correct horse battery", undefined, { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword("correct horse battery", weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    const current = await hashPassword("correct horse battery");
    expect(needsRehash(current)).toBe(false);
    expect(needsRehash(current, "new-pepper")).toBe(true);
    expect(needsRehash("not a hash")).toBe(true);
  });

  it("rejects malformed hash strings without throwing", async () => {
    expect(await verifyPassword("x", "$argon2id$v=19$m=65536,t=3,p=4$abc$def")).toBe(false);
  });

  it("spends exactly one scrypt evaluation on a dummy verification, like a real one", async () => {
    const hash = await hashPassword("correct horse battery");
    let before = hashStats.scrypt;
    await verifyPassword("wrong", hash);
    expect(hashStats.scrypt - before).toBe(1);
    before = hashStats.scrypt;
    await verifyAgainstDummy("wrong");
    expect(hashStats.scrypt - before).toBe(1);
  });
});

describe("password policy (NIST SP 800-63B)", () => {
  it("accepts the guide's example password and long passphrases without composition rules", () => {
    expect(passwordProblem("strongpassword123")).toBeNull();
    expect(passwordProblem("all lowercase words are fine")).toBeNull();
  });

  it("refuses short, overlong and common passwords", () => {
    expect(passwordProblem("1234567")).toMatch(/at least 8/);
    expect(passwordProblem("x".repeat(129))).toMatch(/at most 128/);
    expect(passwordProblem("password123")).toMatch(/common/);
    expect(passwordProblem("PassWord123")).toMatch(/common/);
    expect(passwordProblem("qwertyuiop")).toMatch(/common/);
  });

  it("decodes the front-coded list into 10,000 distinct, sorted, lower-cased passwords of 8 to 128 characters", () => {
    const list = commonPasswordList();
    expect(list).toHaveLength(10_000);
    expect(new Set(list).size).toBe(10_000);
    expect(list).toEqual([...list].sort());
    for (const password of list) {
      expect(password).toBe(password.toLowerCase());
      expect([...password].length).toBeGreaterThanOrEqual(8);
      expect([...password].length).toBeLessThanOrEqual(128);
    }
    // First, last and a few known entries, so a decoder that drops or garbles prefixes fails here.
    expect(list[0]).toBe("!qaz2wsx");
    expect(list).toEqual(expect.arrayContaining(["password", "12345678", "baseball", "football", "qwertyuiop", "password123"]));
    for (const password of ["password", "12345678", "baseball", list.at(-1)!]) expect(passwordProblem(password)).toMatch(/common/);
  });
});
