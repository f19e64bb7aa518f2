// `npm start`'s local setup: the secrets it generates and the warnings it prints before wrangler dev starts.
import { describe, expect, it } from "vitest";
import { startWarnings } from "../../scripts/lib/dev-warnings.mjs";
import { generateDevVars } from "../../scripts/lib/wrangler-dev.mjs";
import { passwordProblem } from "../../src/crypto/password";

const TOML = (publicUrl: string) =>
  `name = "edge-auth"\n\n[vars]\n# comment\nPUBLIC_URL = "${publicUrl}"\nEMAIL_PROVIDER = "dev"\n\n[[d1_databases]]\nbinding = "DB"\n`;

describe("npm start", () => {
  it("generates an ADMIN_PASSWORD that passes the password policy", () => {
    for (let i = 0; i < 50; i++) expect(passwordProblem(generateDevVars().ADMIN_PASSWORD)).toBeNull();
  });

  it("warns when PUBLIC_URL is empty in both wrangler.toml [vars] and .dev.vars", () => {
    const [warning, ...rest] = startWarnings({ wranglerToml: TOML(""), devVars: {} });
    expect(rest).toEqual([]);
    expect(warning).toContain("PUBLIC_URL is empty");
  });

  it("says nothing when either file sets PUBLIC_URL", () => {
    expect(startWarnings({ wranglerToml: TOML("https://auth.example.com"), devVars: {} })).toEqual([]);
    expect(startWarnings({ wranglerToml: TOML(""), devVars: { PUBLIC_URL: "http://127.0.0.1:8787" } })).toEqual([]);
  });

  it("ignores a PUBLIC_URL outside [vars]", () => {
    expect(startWarnings({ wranglerToml: `PUBLIC_URL = "https://x.example"\n[vars]\nEMAIL_PROVIDER = "dev"\n`, devVars: {} })).toHaveLength(1);
  });
});
