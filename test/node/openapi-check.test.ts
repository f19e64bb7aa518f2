// openapi:check fails, naming the file, when a committed artifact differs from what the routes generate.
import { execFile } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the committed openapi/ and generated/ files (generated/assets is git-ignored, not an artifact). */
function copyOfArtifacts(): string {
  const dir = mkdtempSync(join(tmpdir(), "openapi-check-test-"));
  dirs.push(dir);
  cpSync(join(ROOT, "openapi"), join(dir, "openapi"), { recursive: true });
  for (const file of readdirSync(join(ROOT, "generated")).filter((f) => f !== "assets")) {
    cpSync(join(ROOT, "generated", file), join(dir, "generated", file));
  }
  return dir;
}

async function check(root: string) {
  const args = ["scripts/openapi-check.ts", "--root", root];
  return promisify(execFile)(join(ROOT, "node_modules/.bin/tsx"), args, { cwd: ROOT }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: (e.stdout ?? "") + (e.stderr ?? "") }),
  );
}

// Sequential: each run spawns tsx and imports the whole app, so parallel runs only compete for CPU.
describe("openapi:check --root", () => {
  it("passes on an untouched copy of the committed artifacts", async () => {
    const { code, output } = await check(copyOfArtifacts());
    expect(output).toContain("openapi/ and generated/ match the route declarations");
    expect(code).toBe(0);
  });

  it("fails naming a tampered generated file", async () => {
    const dir = copyOfArtifacts();
    appendFileSync(join(dir, "generated/api.d.ts"), "// hand edit\n");
    const { code, output } = await check(dir);
    expect(output).toContain("out of date: generated/api.d.ts");
    expect(code).toBe(1);
  });

  it("fails naming a missing spec", async () => {
    const dir = copyOfArtifacts();
    rmSync(join(dir, "openapi/openapi.json"));
    const { code, output } = await check(dir);
    expect(output).toContain("out of date: openapi/openapi.json");
    expect(code).toBe(1);
  });
});
