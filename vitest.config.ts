import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The Worker's module aliases (wrangler.toml [alias]) apply here too, so the tests run the code that ships.
const aliasTable =
  readFileSync(new URL("./wrangler.toml", import.meta.url), "utf8")
    .split(/^\[alias\]$/m)[1]
    ?.split(/^\[/m)[0] ?? "";
const aliases = [...aliasTable.matchAll(/^"([^"]+)"\s*=\s*"([^"]+)"/gm)].map(([, from, to]) => ({
  find: new RegExp(`^${from!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`),
  replacement: fileURLToPath(new URL(to!, import.meta.url)),
}));

// Tests run inside workerd against the real Worker (wrangler.toml) and a real local D1,
// migrated in test/setup.ts from the same SQL files `wrangler d1 migrations apply` uses.
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("./src/db/migrations", import.meta.url))),
          KEY_ENCRYPTION_SECRET: "test-key-encryption-secret-0123456789abcdef",
          PASSWORD_PEPPER: "test-pepper",
          ADMIN_EMAIL: "owner@example.com",
          ADMIN_PASSWORD: "owner-password-for-tests",
          // The development provider whatever .dev.vars says: the outbox is the tests' mailbox.
          EMAIL_PROVIDER: "dev",
          EMAIL_FROM: "Edge Auth Tests <no-reply@auth.test>",
          // Cases per operation for test/fuzz (`npm run fuzz`); empty means the file's default.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "",
          // Base seed for test/fuzz (`npm run fuzz` draws one); empty means the file's fixed seed.
          FUZZ_SEED: process.env.FUZZ_SEED ?? "",
        },
      },
    })),
  ],
  resolve: { alias: aliases },
  test: {
    include: ["test/**/*.test.ts"],
    // Script tests spawn processes, which workerd cannot: they run in Node (vitest.node.config.ts).
    exclude: ["test/node/**", "node_modules/**"],
    setupFiles: ["./test/setup.ts"],
    testTimeout: 30_000,
    // CI sums these reports for its "N passed, M failed" line (.ci/run).
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".artifacts/vitest-workers.json" },
    hookTimeout: 30_000,
  },
});
