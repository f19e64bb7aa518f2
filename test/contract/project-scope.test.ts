// Table-driven from the spec: every Admin API operation under a project, called for a project that
// does not exist. Without a session it is 401 (nothing is revealed about the project); with one it
// is 404 NOT_FOUND, worded the same on every route.
import { beforeAll, describe, expect, it } from "vitest";
import spec from "../../openapi/openapi.json";
import { ownerToken } from "../helpers/admin";
import { call, json } from "../helpers/client";

type Json = Record<string, any>;
const MISSING = "no_such_project";

const operations = Object.entries(spec.paths as Json)
  .filter(([path]) => path.startsWith("/api/admin/projects/{projectId}"))
  .flatMap(([path, item]) => Object.keys(item as Json).map((method) => ({ method: method.toUpperCase(), path })))
  // Bodies are validated after the project check, so only body-less calls are compared here.
  .filter(({ method }) => method === "GET" || method === "DELETE");

const concrete = (path: string) => path.replace("{projectId}", MISSING).replace(/\{[^}]+\}/g, "verify_email");

let owner: string;
beforeAll(async () => {
  owner = await ownerToken();
});

describe("Admin API routes of a missing project", () => {
  it("covers the project-scoped operations", () => {
    expect(operations.length).toBeGreaterThan(8);
  });

  it.each(operations)("$method $path answers 401 without a session", async ({ method, path }) => {
    const res = await call(concrete(path), { method });
    expect(res.status).toBe(401);
    expect((await json(res)).code).toBe("UNAUTHORIZED");
  });

  it.each(operations)("$method $path answers 404 with the one message to an admin", async ({ method, path }) => {
    const res = await call(concrete(path), { method, headers: { "X-Admin-Session": owner } });
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ success: false, code: "NOT_FOUND", error: `Project '${MISSING}' does not exist` });
  });
});
