// Table-driven from the spec: every Admin API operation, called by each role. A role below the
// operation's x-min-role must get 403 FORBIDDEN before any validation; one at or above must not.
import { beforeAll, describe, expect, it } from "vitest";
import spec from "../../openapi/openapi.json";
import { adminWithRole, ownerToken, type Role } from "../helpers/admin";
import { call } from "../helpers/client";

type Json = Record<string, any>;
const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };
const ROLES: Role[] = ["viewer", "admin", "owner"];

const operations = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json)
    .filter(([, op]) => (op as Json)["x-min-role"])
    .map(([method, op]) => ({ method: method.toUpperCase(), path, minRole: (op as Json)["x-min-role"] as Role, ends: /\/logout$/.test(path) })),
);

const tokens = {} as Record<Role, string>;
beforeAll(async () => {
  tokens.owner = await ownerToken();
  tokens.admin = (await adminWithRole("admin")).token;
  tokens.viewer = (await adminWithRole("viewer")).token;
});

// Placeholders that exist nowhere: allowed calls end in 400/404, never in a change.
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "does_not_exist");

describe("Admin API roles", () => {
  it("declares a minimum role on every admin operation but login and its second-factor step", () => {
    const adminOps = Object.entries(spec.paths as Json)
      .flatMap(([path, item]) => Object.entries(item as Json).map(([m, op]) => ({ key: `${m} ${path}`, minRole: (op as Json)["x-min-role"] })))
      .filter((o) => o.key.includes(" /api/admin"));
    expect(adminOps.filter((o) => !o.minRole).map((o) => o.key)).toEqual(["post /api/admin/login", "post /api/admin/login/mfa"]);
    expect(operations.length).toBeGreaterThan(4);
  });

  const table = operations.flatMap((op) => ROLES.map((role) => ({ ...op, role })));
  it.each(table)("$method $path as $role (needs $minRole)", async ({ method, path, minRole, role, ends }) => {
    const token = ends ? (role === "owner" ? await ownerToken() : (await adminWithRole(role)).token) : tokens[role];
    const res = await call(concrete(path), {
      method,
      headers: { "X-Admin-Session": token, ...(method === "GET" || method === "DELETE" ? {} : { "Content-Type": "application/json" }) },
      body: method === "GET" || method === "DELETE" ? undefined : "{}",
    });
    const body = (await res.json()) as Json;
    if (RANK[role] < RANK[minRole]) {
      expect(res.status).toBe(403);
      expect(body.code).toBe("FORBIDDEN");
    } else {
      expect([401, 403]).not.toContain(res.status);
    }
  });
});
