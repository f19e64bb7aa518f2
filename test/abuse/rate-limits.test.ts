import { abortAllDurableObjects, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { adminClient, ownerToken } from "../helpers/admin";
import { apiClient } from "../helpers/client";
import { README_RULES } from "../helpers/documented-limits";
import { PASSWORD, registerUser, uniqueId } from "../helpers/fixtures";
import { freshProjectPerTest } from "../helpers/rate-limit-project";

const project = freshProjectPerTest();
const { advance, setLimits } = project;
let projectId: string;
beforeEach(() => {
  projectId = project.id();
});
const fromIp = (ip: string) => apiClient({ "CF-Connecting-IP": ip });
const login = (ip: string, email: string, password: string) =>
  fromIp(ip).POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password } });

describe("default rules", () => {
  it("are the ones README.md documents, as the Admin API reports them for a new project", async () => {
    const owner = adminClient(await ownerToken());
    const { data } = await owner.GET("/api/admin/projects/{projectId}", { params: { path: { projectId } } });
    expect(data!.data.rateLimits).toEqual(README_RULES);
  });
});

describe("failed logins per account and IP (exponential backoff)", () => {
  it("blocks one address after the free failures, with Retry-After, while the owner elsewhere still logs in", async () => {
    const user = await registerUser(projectId);
    const { freeFailures, baseSeconds } = README_RULES["login.account_ip"];
    for (let i = 0; i <= freeFailures; i++) expect((await login("198.51.100.1", user.email, "wrong-password-1")).response.status).toBe(401);
    const blocked = await login("198.51.100.1", user.email, PASSWORD);
    expect(blocked.response.status).toBe(429);
    expect(blocked.error!.code).toBe("RATE_LIMITED");
    expect(blocked.response.headers.get("retry-after")).toBe(String(baseSeconds));
    expect(blocked.error!.retryAfter).toBe(baseSeconds);
    expect((await login("203.0.113.9", user.email, PASSWORD)).response.status).toBe(200);
  });

  it("doubles the block with each further failure and lets the address in once Retry-After has passed", async () => {
    const user = await registerUser(projectId);
    const { freeFailures, baseSeconds } = README_RULES["login.account_ip"];
    for (let i = 0; i <= freeFailures; i++) await login("198.51.100.2", user.email, "wrong-password-1");
    advance(baseSeconds);
    expect((await login("198.51.100.2", user.email, "wrong-password-1")).response.status).toBe(401);
    const second = await login("198.51.100.2", user.email, PASSWORD);
    expect(second.response.headers.get("retry-after")).toBe(String(baseSeconds * 2));
    advance(baseSeconds * 2);
    expect((await login("198.51.100.2", user.email, PASSWORD)).response.status).toBe(200);
    // Success forgives: the next failure starts from zero again.
    expect((await login("198.51.100.2", user.email, "wrong-password-1")).response.status).toBe(401);
    expect((await login("198.51.100.2", user.email, PASSWORD)).response.status).toBe(200);
  });

  it("records every block in the audit log", async () => {
    const user = await registerUser(projectId);
    for (let i = 0; i <= README_RULES["login.account_ip"].freeFailures; i++) await login("198.51.100.3", user.email, "wrong-password-1");
    await login("198.51.100.3", user.email, PASSWORD);
    const row = await env.DB.prepare(`SELECT * FROM audit_log WHERE type = 'ratelimit.block' AND project_id = ? AND ip = ?`)
      .bind(projectId, "198.51.100.3")
      .first<Record<string, string>>();
    expect(row).toMatchObject({ outcome: "blocked" });
    expect(JSON.parse(row!.details!)).toMatchObject({ rule: "login.account_ip" });
  });

  it("keeps counting across a Durable Object restart", async () => {
    const user = await registerUser(projectId);
    for (let i = 0; i <= README_RULES["login.account_ip"].freeFailures; i++) await login("198.51.100.4", user.email, "wrong-password-1");
    await abortAllDurableObjects();
    expect((await login("198.51.100.4", user.email, PASSWORD)).response.status).toBe(429);
  });
});

describe("window limits", () => {
  it("limits failed logins per IP across accounts (password spraying)", async () => {
    await setLimits({ "login.ip": { kind: "window", limit: 3, windowSeconds: 60 } });
    for (let i = 0; i < 3; i++) expect((await login("198.51.100.5", `${uniqueId("spray")}@example.com`, "wrong-password-1")).response.status).toBe(401);
    const blocked = await login("198.51.100.5", `${uniqueId("spray")}@example.com`, "wrong-password-1");
    expect(blocked.response.status).toBe(429);
    expect(Number(blocked.response.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    advance(61);
    expect((await login("198.51.100.5", `${uniqueId("spray")}@example.com`, "wrong-password-1")).response.status).toBe(401);
  });

  it("limits failed logins per account across IPs (distributed guessing)", async () => {
    await setLimits({ "login.account": { kind: "window", limit: 2, windowSeconds: 60 } });
    const user = await registerUser(projectId);
    await login("198.51.100.6", user.email, "wrong-password-1");
    await login("198.51.100.7", user.email, "wrong-password-1");
    expect((await login("198.51.100.8", user.email, "wrong-password-1")).response.status).toBe(429);
  });

  it("limits registrations per IP and writes nothing when refusing", async () => {
    await setLimits({ "register.ip": { kind: "window", limit: 2, windowSeconds: 3600 } });
    const register = (email: string) =>
      fromIp("198.51.100.9").POST("/api/auth/{projectId}/register", { params: { path: { projectId } }, body: { email, password: PASSWORD } });
    expect((await register(`${uniqueId("r")}@example.com`)).response.status).toBe(201);
    expect((await register(`${uniqueId("r")}@example.com`)).response.status).toBe(201);
    const email = `${uniqueId("r")}@example.com`;
    const third = await register(email);
    expect(third.response.status).toBe(429);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE email_normalized = ?`).bind(email).first("n")).toBe(0);
  });

  it("limits refreshes per session", async () => {
    await setLimits({ "refresh.session": { kind: "window", limit: 2, windowSeconds: 60 } });
    const user = await registerUser(projectId);
    const refresh = (refreshToken: string) => apiClient().POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken } });
    const first = await refresh(user.refreshToken);
    const second = await refresh(first.data!.data.refreshToken);
    const third = await refresh(second.data!.data.refreshToken);
    expect(third.response.status).toBe(429);
    advance(61);
    expect((await refresh(second.data!.data.refreshToken)).response.status).toBe(200);
  });

  it("takes a window rule only for refresh.session, which the session row counts", async () => {
    const owner = adminClient(await ownerToken());
    const patch = (rateLimits: Record<string, unknown>) =>
      owner.PATCH("/api/admin/projects/{projectId}", { params: { path: { projectId } }, body: { rateLimits } as never });
    const refused = await patch({ "refresh.session": { kind: "backoff", freeFailures: 5, baseSeconds: 2, maxSeconds: 60 } });
    expect(refused.response.status).toBe(400);
    expect(refused.error).toMatchObject({ code: "VALIDATION_ERROR", error: expect.stringContaining("refresh.session takes a window rule only") });
    // Other rules keep either kind.
    expect((await patch({ "register.ip": { kind: "backoff", freeFailures: 5, baseSeconds: 2, maxSeconds: 60 } })).response.status).toBe(200);
  });
});

describe("admin login failures", () => {
  it("back off per account and IP", async () => {
    const client = apiClient({ "CF-Connecting-IP": "198.51.100.10" });
    const { freeFailures } = README_RULES["admin_login.account_ip"];
    for (let i = 0; i <= freeFailures; i++)
      expect((await client.POST("/api/admin/login", { body: { email: env.ADMIN_EMAIL!, password: "wrong" } })).response.status).toBe(401);
    const blocked = await client.POST("/api/admin/login", { body: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! } });
    expect(blocked.response.status).toBe(429);
    const elsewhere = apiClient({ "CF-Connecting-IP": "198.51.100.11" });
    expect((await elsewhere.POST("/api/admin/login", { body: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! } })).response.status).toBe(200);
  });
});
