// The first owner comes from ADMIN_EMAIL / ADMIN_PASSWORD while the admins table is empty. A
// configured password that the policy would refuse anywhere else must not become an owner's.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../helpers/client";

const saved = { ADMIN_EMAIL: env.ADMIN_EMAIL, ADMIN_PASSWORD: env.ADMIN_PASSWORD };
afterEach(() => {
  Object.assign(env, saved);
  vi.restoreAllMocks();
});

const admins = () => env.DB.prepare(`SELECT COUNT(*) AS n FROM admins`).first<number>("n");
const bootstrapAudits = () =>
  env.DB.prepare(`SELECT outcome, details FROM audit_log WHERE type = 'admin.bootstrap' ORDER BY created_at, rowid`).all<{
    outcome: string;
    details: string;
  }>();

describe("POST /api/admin/login (bootstrap owner)", () => {
  it("creates no owner from an ADMIN_PASSWORD the policy refuses: 401 like any failure, the reason logged and audited", async () => {
    expect(await admins()).toBe(0);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const weak of ["password", "short1"]) {
      Object.assign(env, { ADMIN_EMAIL: "weak-owner@example.com", ADMIN_PASSWORD: weak });
      const { response, error } = await api.POST("/api/admin/login", { body: { email: "weak-owner@example.com", password: weak } });
      expect(response.status, weak).toBe(401);
      expect(error).toEqual({ success: false, error: "Email or password is incorrect", code: "INVALID_CREDENTIALS" });
    }
    expect(await admins()).toBe(0);
    const { results } = await bootstrapAudits();
    expect(results.map((row) => [row.outcome, JSON.parse(row.details).reason])).toEqual([
      ["failure", "weak_password"],
      ["failure", "weak_password"],
    ]);
    const logged = errors.mock.calls.map((args) => args.join(" ")).join("\n");
    expect(logged).toContain("ADMIN_PASSWORD");
    expect(logged).not.toContain('"password"');
  });

  it("still bootstraps the owner from a password that passes", async () => {
    const { response } = await api.POST("/api/admin/login", { body: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! } });
    expect(response.status).toBe(200);
    expect(await admins()).toBe(1);
    expect((await bootstrapAudits()).results.at(-1)!.outcome).toBe("success");
  });
});
