import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "../../src/config";
import { ADMIN_PASSWORD, adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { apiClient } from "../helpers/client";
import { PASSWORD, registerUser, uniqueId } from "../helpers/fixtures";
import { freshProjectPerTest } from "../helpers/rate-limit-project";

const project = freshProjectPerTest();
const { advance, setLimits } = project;
let projectId: string;
beforeEach(() => {
  projectId = project.id();
});
const login = (ip: string, email: string, password: string) =>
  apiClient({ "CF-Connecting-IP": ip }).POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password } });
const adminLogin = (ip: string, email: string, password: string) =>
  apiClient({ "CF-Connecting-IP": ip }).POST("/api/admin/login", { body: { email, password } });

/** Spends an account's whole window from addresses the owner never used. */
async function strangersExhaust(limit: number, attempt: (ip: string) => Promise<{ response: Response }>) {
  for (let i = 0; i < limit; i++) expect((await attempt(`203.0.113.${i + 1}`)).response.status).toBe(401);
  expect((await attempt("203.0.113.250")).response.status).toBe(429);
}

describe("account-wide limits and known addresses (lockout as a weapon)", () => {
  it("let an admin in from an address they signed in from before while strangers have spent admin_login.account", async () => {
    const admin = await adminWithRole("admin");
    expect((await adminLogin("198.51.100.30", admin.email, ADMIN_PASSWORD)).response.status).toBe(200);
    await strangersExhaust(DEFAULT_RULES["admin_login.account"].limit, (ip) => adminLogin(ip, admin.email, "wrong-password-1"));
    expect((await adminLogin("198.51.100.30", admin.email, ADMIN_PASSWORD)).response.status).toBe(200);
    expect((await adminLogin("198.51.100.31", admin.email, ADMIN_PASSWORD)).response.status).toBe(429);
  });

  it("let a user in from a known address (the same IPv6 /64) while strangers have spent login.account", async () => {
    await setLimits({ "login.account": { kind: "window", limit: 3, windowSeconds: 900 } });
    const user = await registerUser(projectId);
    expect((await login("2001:db8:7:8::1", user.email, PASSWORD)).response.status).toBe(200);
    await strangersExhaust(3, (ip) => login(ip, user.email, "wrong-password-1"));
    expect((await login("2001:db8:7:8:aaaa::2", user.email, PASSWORD)).response.status).toBe(200);
    expect((await login("2001:db8:7:9::1", user.email, PASSWORD)).response.status).toBe(429);
  });

  it("give a guesser on a known address nothing: its account+IP backoff still applies", async () => {
    const user = await registerUser(projectId);
    expect((await login("198.51.100.32", user.email, PASSWORD)).response.status).toBe(200);
    for (let i = 0; i <= DEFAULT_RULES["login.account_ip"].freeFailures; i++)
      expect((await login("198.51.100.32", user.email, "wrong-password-1")).response.status).toBe(401);
    expect((await login("198.51.100.32", user.email, "wrong-password-1")).response.status).toBe(429);
  });

  it("forget a known address after 30 days", async () => {
    await setLimits({ "login.account": { kind: "window", limit: 2, windowSeconds: 900 } });
    const user = await registerUser(projectId);
    expect((await login("198.51.100.33", user.email, PASSWORD)).response.status).toBe(200);
    advance(31 * 24 * 3600);
    await strangersExhaust(2, (ip) => login(ip, user.email, "wrong-password-1"));
    expect((await login("198.51.100.33", user.email, PASSWORD)).response.status).toBe(429);
  });
});

describe("DELETE /api/admin/admins/:adminId/lockout", () => {
  it("lets an owner clear another admin's account-wide lock, audited", async () => {
    const admin = await adminWithRole("admin");
    await strangersExhaust(DEFAULT_RULES["admin_login.account"].limit, (ip) => adminLogin(ip, admin.email, "wrong-password-1"));
    expect((await adminLogin("198.51.100.34", admin.email, ADMIN_PASSWORD)).response.status).toBe(429);
    const owner = adminClient(await ownerToken());
    const cleared = await owner.DELETE("/api/admin/admins/{adminId}/lockout", { params: { path: { adminId: admin.id } } });
    expect(cleared.response.status).toBe(200);
    expect(cleared.data!.data).toEqual({ cleared: true });
    expect((await adminLogin("198.51.100.34", admin.email, ADMIN_PASSWORD)).response.status).toBe(200);
    const row = await env.DB.prepare(`SELECT * FROM audit_log WHERE type = 'admin.lockout.clear' AND target_id = ?`)
      .bind(admin.id)
      .first<Record<string, string>>();
    expect(row).toMatchObject({ outcome: "success", actor_type: "admin", target_type: "admin" });
  });

  it("answers 404 NOT_FOUND for an unknown admin and 403 FORBIDDEN below owner", async () => {
    const owner = adminClient(await ownerToken());
    const unknown = await owner.DELETE("/api/admin/admins/{adminId}/lockout", { params: { path: { adminId: uniqueId("adm") } } });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error!.code).toBe("NOT_FOUND");
    const admin = await adminWithRole("admin");
    const forbidden = await adminClient(admin.token).DELETE("/api/admin/admins/{adminId}/lockout", { params: { path: { adminId: admin.id } } });
    expect(forbidden.response.status).toBe(403);
  });
});

describe("per-IP rules and IPv6", () => {
  it("count two addresses of one /64 as one client, and another /64 apart", async () => {
    await setLimits({ "login.ip": { kind: "window", limit: 2, windowSeconds: 900 } });
    const someone = () => `${uniqueId("v6")}@example.com`;
    expect((await login("2001:db8:5:6::1", someone(), "wrong-password-1")).response.status).toBe(401);
    expect((await login("2001:db8:5:6:ffff:1:2:3", someone(), "wrong-password-1")).response.status).toBe(401);
    expect((await login("2001:0db8:0005:0006::9", someone(), "wrong-password-1")).response.status).toBe(429);
    expect((await login("2001:db8:5:7::1", someone(), "wrong-password-1")).response.status).toBe(401);
  });
});
