// The Spectral contract rules bite: each mutation of a well-formed spec fails `spectral lint` naming its rule.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SPEC = join(ROOT, "openapi/openapi.json");
const dir = mkdtempSync(join(tmpdir(), "spectral-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, any>;
type Result = { code: string; severity: number; source: string };

/** Runs the spectral CLI as `npm run openapi:lint` does; several files share one process to keep the suite fast. */
async function lint(files: string[], format: "json" | "stylish") {
  const args = [
    "lint",
    ...files,
    "--ruleset",
    join(ROOT, ".spectral.yaml"),
    "--fail-severity",
    "warn",
    "-f",
    format,
    ...(format === "json" ? ["--quiet"] : []),
  ];
  return promisify(execFile)(join(ROOT, "node_modules/.bin/spectral"), args, { cwd: ROOT, maxBuffer: 64 << 20 }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, output: (e.stdout ?? "") + (e.stderr ?? "") }),
  );
}

const err = (status: number) => ({ description: `Error ${status}.`, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
const envelope = (data: Json) => ({
  description: "Done.",
  content: {
    "application/json": { schema: { type: "object", properties: { success: { type: "boolean", enum: [true] }, data }, required: ["success", "data"] } },
  },
});
const pathParam = (name: string) => ({ name, in: "path", required: true, description: `The ${name}.`, schema: { type: "string" } });

/** The committed spec plus well-formed admin and /me operations, so fixtures do not depend on which routes exist yet. */
function wellFormed(): Json {
  const spec = JSON.parse(readFileSync(SPEC, "utf8"));
  spec.paths["/api/admin/projects/{projectId}/widgets"] = {
    post: {
      operationId: "createWidgetFixture",
      tags: ["Admin"],
      summary: "Create a widget",
      description: "Fixture operation for the lint tests.",
      security: [{ adminSession: [] }],
      parameters: [pathParam("projectId")],
      requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { name: { type: "string" } } } } } },
      responses: { 201: envelope({ type: "string" }), ...Object.fromEntries([400, 401, 404, 413, 415].map((s) => [s, err(s)])) },
    },
  };
  spec.paths["/api/auth/{projectId}/me/widgets"] = {
    get: {
      operationId: "listMyWidgetsFixture",
      tags: ["Auth"],
      summary: "List my widgets",
      description: "Fixture operation for the lint tests.",
      security: [{ bearerAuth: [] }],
      parameters: [pathParam("projectId")],
      responses: { 200: envelope({ type: "array", items: { type: "string" } }), 401: err(401), 404: err(404) },
    },
  };
  return spec;
}

const ADMIN = ["paths", "/api/admin/projects/{projectId}/widgets", "post"];
const ME = ["paths", "/api/auth/{projectId}/me/widgets", "get"];
const at = (spec: Json, path: string[]) => path.reduce((node, key) => node[key], spec);

const mutations: [name: string, rule: string, mutate: (spec: Json) => void][] = [
  ["missing operationId", "edge-operation-fields", (s) => delete at(s, ADMIN).operationId],
  ["empty tags", "edge-operation-fields", (s) => (at(s, ME).tags = [])],
  ["a 4xx not using Error", "edge-error-schema", (s) => (at(s, ADMIN).responses[404].content["application/json"].schema = { type: "object" })],
  ["an admin op lacking adminSession", "edge-admin-security", (s) => (at(s, ADMIN).security = [{ bearerAuth: [] }])],
  ["a /me op lacking bearerAuth", "edge-bearer-security", (s) => (at(s, ME).security = [{ adminSession: [] }])],
  [
    "a 2xx not an envelope",
    "edge-success-envelope",
    (s) => (at(s, ME).responses[200] = { description: "Bare.", content: { "application/json": { schema: { type: "array" } } } }),
  ],
  [
    "success not constrained to true",
    "edge-success-envelope",
    (s) => (at(s, ADMIN).responses[201].content["application/json"].schema.properties.success = { type: "boolean" }),
  ],
  ["a body op without 415", "edge-error-statuses", (s) => delete at(s, ADMIN).responses[415]],
  ["a secured op without 401", "edge-error-statuses", (s) => delete at(s, ME).responses[401]],
];

const fixture = (name: string, spec: Json) => {
  const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
};

const wellFormedFile = fixture("well-formed", wellFormed());
const mutatedFiles = mutations.map(([name, , mutate]) => {
  const spec = wellFormed();
  mutate(spec);
  return fixture(name, spec);
});
let together: Promise<Result[]> | undefined;
const lintAllFixtures = () => (together ??= lint([wellFormedFile, ...mutatedFiles], "json").then(({ output }) => JSON.parse(output) as Result[]));
/** Our rules (edge-*) reported for one fixture, with severity error (0) or warn (1), i.e. those that fail the lint. */
const failingEdgeRules = async (file: string) => [
  ...new Set((await lintAllFixtures()).filter((r) => r.source === file && r.severity <= 1 && r.code.startsWith("edge-")).map((r) => r.code)),
];

describe.concurrent("spectral rules (.spectral.yaml)", () => {
  it("pass the committed spec: npm run openapi:lint exits 0", async () => {
    const { code, output } = await lint([SPEC], "stylish");
    expect(output).toContain("No results with a severity of 'warn' or higher found!");
    expect(code).toBe(0);
  });

  it("fail the lint with a non-zero exit, naming the rule", async () => {
    const { code, output } = await lint([mutatedFiles[0]!], "stylish");
    expect(output).toMatch(/error\s+edge-operation-fields\s+Operation must have a non-empty "operationId"/);
    expect(code).not.toBe(0);
  });

  it("accept well-formed admin and /me operations", async () => {
    expect(await failingEdgeRules(wellFormedFile)).toEqual([]);
  });

  it.each(mutations.map(([name, rule], i) => [name, rule, mutatedFiles[i]!] as const))("catch %s: %s", async (_name, rule, file) => {
    expect(await failingEdgeRules(file)).toEqual([rule]);
  });
});
