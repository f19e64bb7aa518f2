// The benchmark must measure the service's real password work on the service's real runtime:
// these fail when scripts/bench/ hashes or configures workerd differently from src/ and wrangler.toml.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "../../src/config";
import { CURRENT_PARAMS, needsRehash, pepperId, verifyPassword } from "../../src/crypto/password";
import { hashPassword } from "../../scripts/bench/password-hash.mjs";
import { USES_PER_SESSION } from "../../scripts/bench/refresh-pool.mjs";
import { hashWorkerConfig } from "../../scripts/bench/servers.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PASSWORD = "bench params passphrase";

/** wrangler.toml's top-level compatibility settings, read by a regex independent of the bench's reader. */
function tomlRuntime() {
  const top = readFileSync(join(ROOT, "wrangler.toml"), "utf8").split(/^\[/m)[0]!;
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(top)?.[1];
  const flags = /^compatibility_flags\s*=\s*(\[[^\]]*\])/m.exec(top)?.[1];
  return { compatibility_date: date, compatibility_flags: flags === undefined ? [] : (JSON.parse(flags) as string[]) };
}

describe("npm run bench parameters", () => {
  it("seeds password hashes with src/crypto/password.ts's parameters, key length and pepper handling", async () => {
    for (const pepper of [undefined, "bench-pepper"]) {
      const hash: string = await hashPassword(PASSWORD, pepper);
      const prefix = `$scrypt$ln=${CURRENT_PARAMS.ln},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p},pep=${pepper ? `1,pid=${pepperId(pepper)}` : 0}$`;
      expect(hash.startsWith(prefix), hash).toBe(true);
      expect(needsRehash(hash, pepper)).toBe(false);
      expect(await verifyPassword(PASSWORD, hash, pepper)).toBe(true);
    }
  });

  it("runs the hash worker on wrangler.toml's compatibility date and flags, hashing with src's verifyPassword", async () => {
    const expected = tomlRuntime();
    expect(expected.compatibility_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const config = await hashWorkerConfig();
    expect({ compatibility_date: config.compatibility_date, compatibility_flags: config.compatibility_flags }).toEqual(expected);
    expect(readFileSync(config.main, "utf8")).toContain('import { verifyPassword } from "../../src/crypto/password";');
  });

  it("keeps each refresh session under src's refresh.session limit", () => {
    expect(USES_PER_SESSION).toBeLessThan(DEFAULT_RULES["refresh.session"].limit);
  });
});
