// openapi:diff fails on breaking changes (found by optic) unless info.version carries the semver bump they need.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "openapi-diff-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, any>;
const WIDGETS = "/api/admin/widgets";

const object = (properties: Json, required = Object.keys(properties)) => ({ type: "object", properties, required });
const op = (operationId: string, data: Json, extra: Json = {}) => ({
  operationId,
  tags: ["Admin"],
  summary: operationId,
  description: "Fixture.",
  ...extra,
  responses: { 200: { description: "Ok.", content: { "application/json": { schema: object({ success: { type: "boolean", enum: [true] }, data }) } } } },
});

/** A small spec at `version` (optic takes seconds per run, so fixtures stay small). */
function spec(version: string): Json {
  return {
    openapi: "3.1.0",
    info: { title: "fixture", version },
    paths: {
      [WIDGETS]: {
        get: op("listWidgets", object({ id: { type: "string" }, name: { type: "string" }, kind: { type: "string", enum: ["a", "b"] } })),
        post: op("createWidget", object({ id: { type: "string" } }), {
          requestBody: {
            required: true,
            content: { "application/json": { schema: object({ name: { type: "string" }, note: { type: "string" } }, ["name"]) } },
          },
        }),
      },
      "/api/admin/gadgets": { get: op("listGadgets", object({ id: { type: "string" } })) },
    },
  };
}

let n = 0;
/** Runs `tsx scripts/openapi-diff.ts --base-file --head-file` on two fixtures. */
async function diff(base: Json, head: Json) {
  const [baseFile, headFile] = [base, head].map((s, i) => {
    const file = join(dir, `${++n}-${i ? "head" : "base"}.json`);
    writeFileSync(file, JSON.stringify(s, null, 2));
    return file;
  });
  const args = ["scripts/openapi-diff.ts", "--base-file", baseFile!, "--head-file", headFile!];
  return promisify(execFile)(join(ROOT, "node_modules/.bin/tsx"), args, { cwd: ROOT, maxBuffer: 64 << 20 }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: (e.stdout ?? "") + (e.stderr ?? "") }),
  );
}

/** Three breaking changes: a removed endpoint, a removed response property, a newly required request field. */
function breaking(s: Json) {
  delete s.paths["/api/admin/gadgets"];
  delete s.paths[WIDGETS].get.responses[200].content["application/json"].schema.properties.data.properties.name;
  s.paths[WIDGETS].post.requestBody.content["application/json"].schema.required.push("note");
  return s;
}

// Sequential: each run spawns tsx and optic, which would only compete for CPU.
describe("openapi:diff", () => {
  it("fails on breaking changes without the version bump, listing them", async () => {
    const { code, output } = await diff(spec("0.3.1"), breaking(spec("0.3.1")));
    expect(output).toMatch(/- cannot remove an operation\..*\n\s+at GET \/api\/admin\/gadgets/);
    expect(output).toMatch(/- cannot remove response property 'name'\..*\n\s+at GET \/api\/admin\/widgets response 200/);
    expect(output).toMatch(/- cannot make a request property required\..*\n\s+at POST \/api\/admin\/widgets request body/);
    expect(output).toContain("need a minor version bump (0.3.1 -> 0.4.0 or later)");
    expect(code).toBe(1);
  });

  it("allows them with a minor bump while 0.x", async () => {
    const { code, output } = await diff(spec("0.3.1"), breaking(spec("0.4.0")));
    expect(output).toContain("allowed: info.version carries a minor bump (0.3.1 -> 0.4.0)");
    expect(code).toBe(0);
  });

  it("requires a major bump from 1.x on", async () => {
    const minor = await diff(spec("1.2.0"), breaking(spec("1.3.0")));
    expect(minor.output).toContain("need a major version bump (1.2.0 -> 2.0.0 or later)");
    expect(minor.code).toBe(1);
    expect((await diff(spec("1.2.0"), breaking(spec("2.0.0")))).code).toBe(0);
  });

  it("passes additive changes without a version bump", async () => {
    const head = spec("0.3.1");
    head.paths[WIDGETS].get.responses[200].content["application/json"].schema.properties.data.properties.color = { type: "string" };
    head.paths[WIDGETS].post.requestBody.content["application/json"].schema.properties.color = { type: "string" };
    head.paths["/api/admin/gizmos"] = { get: op("listGizmos", object({ id: { type: "string" } })) };
    const { code, output } = await diff(spec("0.3.1"), head);
    expect(output).toContain("openapi:diff: no breaking changes.");
    expect(code).toBe(0);
  });
});
