import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api, apiClient, call } from "../helpers/client";
import { PASSWORD, bearer, registerUser, uniqueId } from "../helpers/fixtures";

let owner: ReturnType<typeof adminClient>;
let viewer: ReturnType<typeof adminClient>;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
  viewer = adminClient((await adminWithRole("viewer")).token);
});
afterEach(() => {
  vi.useRealTimers();
});

type Env = "development" | "staging" | "production";
const create = (body: { name: string; environment?: Env; description?: string; id?: string }) =>
  owner.POST("/api/admin/projects", { body: { environment: "development", ...body } });
const path = (projectId: string) => ({ params: { path: { projectId } } });
const patch = (projectId: string, body: Record<string, unknown>) => owner.PATCH("/api/admin/projects/{projectId}", { ...path(projectId), body: body as never });
const list = (query: Record<string, string | number | undefined>) => owner.GET("/api/admin/projects", { params: { query: query as never } });
const count = (table: string, projectId: string) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE project_id = ?`).bind(projectId).first<number>("n");
const lastAudit = (type: string, projectId: string) =>
  env.DB.prepare(`SELECT * FROM audit_log WHERE type = ? AND project_id = ? ORDER BY rowid DESC LIMIT 1`)
    .bind(type, projectId)
    .first<{ actor_id: string; details: string }>();

describe("POST /api/admin/projects", () => {
  it("takes the guide's example verbatim: id new_project, a signing key, a working Auth API, an audit entry", async () => {
    const { data, response } = await owner.POST("/api/admin/projects", {
      body: { name: "New Project", environment: "development", description: "My new project" },
    });
    expect(response.status).toBe(201);
    expect(data!.data).toMatchObject({ id: "new_project", name: "New Project", description: "My new project", environment: "development", enabled: true });
    expect(data!.data).toMatchObject({ accessTokenTtl: 900, refreshTokenTtl: 2592000, corsOrigins: [], redirectUrls: [] });
    expect(await env.DB.prepare(`SELECT status FROM signing_keys WHERE project_id = 'new_project'`).all()).toMatchObject({ results: [{ status: "active" }] });
    expect((await lastAudit("admin.project.create", "new_project"))!.details).toContain("New Project");
    expect((await registerUser("new_project")).accessToken).toBeTruthy();
  });

  it("uses a given id, derives others from the name, and answers 409 CONFLICT for a taken id either way", async () => {
    const id = uniqueId("given");
    expect((await create({ name: "Whatever", id })).data!.data.id).toBe(id);
    expect((await create({ name: "Other", id })).error).toMatchObject({ code: "CONFLICT" });
    const name = `Café  -- ${uniqueId("Derived")}!`;
    const derived = (await create({ name })).data!.data.id;
    expect(derived).toMatch(/^cafe_derived_[a-z0-9_]+[a-z0-9]$/);
    const again = await create({ name });
    expect(again.response.status).toBe(409);
    expect(again.error!.error).toContain(derived);
  });

  it.each([
    [{ name: "x", id: "Bad-Id" }, "id"],
    [{ name: "x", id: "_lead" }, "id"],
    [{ name: "!!" }, "id"],
    [{ name: "ok name", environment: "prod" }, "environment"],
    [{ name: "ok name", enabled: false }, ""],
    [{ name: "   " }, "name"],
  ])("answers 400 VALIDATION_ERROR for %j", async (body, field) => {
    const { error, response } = await owner.POST("/api/admin/projects", { body: { environment: "development", ...body } as never });
    expect(response.status).toBe(400);
    expect(error!.code).toBe("VALIDATION_ERROR");
    if (field) expect(error!.details!.map((d) => d.path)).toContain(field);
  });

  it("answers 415 for a non-JSON body, 413 for an oversized one, 401 without a session and 403 for a viewer", async () => {
    const headers = { "X-Admin-Session": await ownerToken() };
    expect((await call("/api/admin/projects", { method: "POST", headers: { ...headers, "Content-Type": "text/plain" }, body: "name=x" })).status).toBe(415);
    const huge = JSON.stringify({ name: "x", environment: "development", description: "a".repeat(70_000) });
    expect((await call("/api/admin/projects", { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: huge })).status).toBe(413);
    expect((await api.POST("/api/admin/projects", { body: { name: "x", environment: "development" } })).response.status).toBe(401);
    expect((await viewer.POST("/api/admin/projects", { body: { name: "x", environment: "development" } })).error).toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("GET /api/admin/projects", () => {
  it("filters by environment, enabled and search (id or name, case-insensitive, wildcards literal)", async () => {
    const tag = uniqueId("flt");
    const alpha = (await create({ name: `${tag} Alpha`, environment: "production" })).data!.data.id;
    const beta = (await create({ name: "Beta", id: `${tag}_beta`, environment: "staging" })).data!.data.id;
    await patch(beta, { enabled: false });
    const ids = async (query: Record<string, string>) => (await list({ search: tag, ...query })).data!.data.map((p) => p.id);
    expect((await ids({})).sort()).toEqual([alpha, beta].sort());
    expect(await ids({ environment: "production" })).toEqual([alpha]);
    expect(await ids({ enabled: "false" })).toEqual([beta]);
    expect(await ids({ enabled: "true" })).toEqual([alpha]);
    expect(await ids({ search: `${tag.toUpperCase()} aLPHA` })).toEqual([alpha]);
    expect(await ids({ search: `${tag}%alpha` })).toEqual([]);
    // No key material by name: property names only, since ids hold random characters.
    expect(JSON.stringify((await list({ search: tag })).data)).not.toMatch(/"[^"]*(private|box|secret)[^"]*":/i);
  });

  it("pages newest first with a cursor; projects created between pages shift nothing", async () => {
    const tag = uniqueId("page");
    const t0 = Date.now();
    vi.useFakeTimers({ now: t0, toFake: ["Date"] });
    const original: string[] = [];
    for (let i = 0; i < 7; i++) {
      vi.setSystemTime(t0 + Math.floor(i / 2)); // pairs share created_at, so the id tie-break is exercised
      original.push((await create({ name: `${tag} ${i}` })).data!.data.id);
    }
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const { data } = await list({ search: tag, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...data!.data.map((p) => p.id));
      cursor = data!.meta.nextCursor;
      vi.setSystemTime(t0 + 1000 * ++pages);
      await create({ name: `${tag} late ${pages}` });
    } while (cursor);
    expect(pages).toBe(3);
    // Exactly the originals, once each, in (created_at DESC, id DESC) order.
    const expected = original.map((id, i) => ({ id, t: Math.floor(i / 2) })).sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : -1));
    expect(seen).toEqual(expected.map((p) => p.id));
  });

  it.each([{ limit: 0 }, { limit: 101 }, { environment: "prod" }, { enabled: "yes" }, { cursor: "not-a-cursor" }])("answers 400 for %j", async (query) => {
    const { error, response } = await list(query);
    expect(response.status).toBe(400);
    expect(error!.code).toBe("VALIDATION_ERROR");
  });
});

describe("GET /api/admin/projects/:projectId", () => {
  it("returns the project to a viewer; 404 for a missing one, 400 for an over-long id", async () => {
    const id = (await create({ name: uniqueId("Get") })).data!.data.id;
    const { data } = await viewer.GET("/api/admin/projects/{projectId}", path(id));
    expect(data!.data.id).toBe(id);
    expect((await viewer.GET("/api/admin/projects/{projectId}", path("missing_project"))).error).toMatchObject({ code: "NOT_FOUND" });
    expect((await viewer.GET("/api/admin/projects/{projectId}", path("x".repeat(65)))).response.status).toBe(400);
  });
});

describe("PATCH /api/admin/projects/:projectId", () => {
  it("changes only the given fields and audits what really changed", async () => {
    const id = (await create({ name: uniqueId("Patch") })).data!.data.id;
    const body = {
      description: "Now described",
      accessTokenTtl: 600,
      refreshTokenTtl: 7200,
      corsOrigins: ["https://app.example.com", "http://localhost:3000"],
      redirectUrls: ["https://app.example.com/cb", "http://127.0.0.1:8080/cb"],
    };
    const { data, response } = await patch(id, body);
    expect(response.status).toBe(200);
    expect(data!.data).toMatchObject({ ...body, environment: "development", enabled: true });
    expect(data!.data.updatedAt >= data!.data.createdAt).toBe(true);
    await patch(id, { environment: "staging", description: "Now described" });
    expect(JSON.parse((await lastAudit("admin.project.update", id))!.details)).toEqual({ changed: ["environment"], environment: "staging" });
    expect((await registerUser(id)).expiresIn).toBe(600);
    const cors = await call(`/api/auth/${id}/.well-known/jwks.json`, { headers: { Origin: "https://app.example.com" } });
    expect(cors.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });

  it.each([
    [{}, ""],
    [{ unknown: 1 }, ""],
    [{ accessTokenTtl: 59 }, "accessTokenTtl"],
    [{ refreshTokenTtl: 31536001 }, "refreshTokenTtl"],
    [{ accessTokenTtl: 7200, refreshTokenTtl: 7200 }, "refreshTokenTtl"],
    [{ refreshTokenTtl: 3600, accessTokenTtl: 3600 }, "refreshTokenTtl"],
    [{ corsOrigins: ["https://app.example.com/"] }, "corsOrigins.0"],
    [{ corsOrigins: ["http://app.example.com"] }, "corsOrigins.0"],
    [{ corsOrigins: ["*"] }, "corsOrigins.0"],
    [{ corsOrigins: Array.from({ length: 51 }, (_, i) => `https://a${i}.example.com`) }, "corsOrigins"],
    [{ redirectUrls: ["http://app.example.com/cb"] }, "redirectUrls.0"],
    [{ redirectUrls: ["https://app.example.com/cb#x"] }, "redirectUrls.0"],
    [{ redirectUrls: ["/relative"] }, "redirectUrls.0"],
  ])("answers 400 VALIDATION_ERROR for %j", async (body, field) => {
    const id = (await create({ name: uniqueId("Bad") })).data!.data.id;
    const { error, response } = await patch(id, body);
    expect(response.status).toBe(400);
    if (field) expect(error!.details!.map((d) => d.path)).toContain(field);
  });

  it("keeps refreshTokenTtl above the stored accessTokenTtl; 404 for a missing project, 403 for a viewer", async () => {
    const id = (await create({ name: uniqueId("Ttl") })).data!.data.id;
    await patch(id, { accessTokenTtl: 7200 });
    expect((await patch(id, { refreshTokenTtl: 3600 })).error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "refreshTokenTtl" }] });
    expect((await patch("missing_project", { enabled: true })).response.status).toBe(404);
    expect((await viewer.PATCH("/api/admin/projects/{projectId}", { ...path(id), body: { enabled: false } })).response.status).toBe(403);
  });

  it("disabling cuts off issued tokens at once: 403 PROJECT_DISABLED at /me and /refresh; enabling restores them", async () => {
    const id = (await create({ name: uniqueId("Off") })).data!.data.id;
    const user = await registerUser(id);
    const me = () => bearer(user.accessToken).GET("/api/auth/{projectId}/me", path(id));
    const refresh = () => api.POST("/api/auth/{projectId}/refresh", { ...path(id), body: { refreshToken: user.refreshToken } });
    expect((await me()).response.status).toBe(200);
    await patch(id, { enabled: false });
    expect((await me()).error).toMatchObject({ code: "PROJECT_DISABLED" });
    expect((await refresh()).error).toMatchObject({ code: "PROJECT_DISABLED" });
    expect((await api.POST("/api/auth/{projectId}/login", { ...path(id), body: { email: user.email, password: PASSWORD } })).response.status).toBe(403);
    await patch(id, { enabled: true });
    expect((await me()).response.status).toBe(200);
    expect((await refresh()).response.status).toBe(200);
  });
});

describe("the hosted page's branding setting", () => {
  const brand = { logoUrl: "https://cdn.example.com/logo.svg", accentColor: "#1a73e8" };

  it("is empty by default, set at creation, and read back through GET", async () => {
    expect((await create({ name: uniqueId("Plain") })).data!.data.branding).toEqual({});
    const created = await owner.POST("/api/admin/projects", { body: { name: uniqueId("Brand"), environment: "development", branding: brand } });
    expect(created.response.status).toBe(201);
    expect(created.data!.data.branding).toEqual(brand);
    expect((await owner.GET("/api/admin/projects/{projectId}", path(created.data!.data.id))).data!.data.branding).toEqual(brand);
  });

  it("PATCH sets the given fields, keeps absent ones, and null clears one; the audit says what changed", async () => {
    const id = (await create({ name: uniqueId("Brand") })).data!.data.id;
    expect((await patch(id, { branding: brand })).data!.data.branding).toEqual(brand);
    expect((await patch(id, { branding: { accentColor: "#00AA55" } })).data!.data.branding).toEqual({ ...brand, accentColor: "#00AA55" });
    expect((await patch(id, { branding: { logoUrl: null } })).data!.data.branding).toEqual({ accentColor: "#00AA55" });
    expect(JSON.parse((await lastAudit("admin.project.update", id))!.details)).toEqual({ changed: ["branding"], branding: { logoUrl: null } });
    expect((await patch(id, { branding: { accentColor: null } })).data!.data.branding).toEqual({});
  });

  it.each([
    [{ logoUrl: "http://cdn.example.com/logo.svg" }, "branding.logoUrl"],
    [{ logoUrl: "javascript:alert(1)" }, "branding.logoUrl"],
    [{ logoUrl: "data:image/svg+xml,<svg/>" }, "branding.logoUrl"],
    [{ logoUrl: "https://user:pw@cdn.example.com/logo.svg" }, "branding.logoUrl"],
    [{ logoUrl: "/logo.svg" }, "branding.logoUrl"],
    [{ accentColor: "red" }, "branding.accentColor"],
    [{ accentColor: "#fff" }, "branding.accentColor"],
    [{ accentColor: "#1a73e8; background:url(x)" }, "branding.accentColor"],
    [{ fontFamily: "Comic Sans" }, "branding"],
  ])("refuses %j with 400 VALIDATION_ERROR, at creation too", async (branding, field) => {
    const id = (await create({ name: uniqueId("BadBrand") })).data!.data.id;
    const patched = await patch(id, { branding });
    expect(patched.response.status).toBe(400);
    expect(patched.error!.details!.map((d) => d.path).join(" ")).toContain(field);
    const created = await owner.POST("/api/admin/projects", { body: { name: uniqueId("BadBrand"), environment: "development", branding: branding as never } });
    expect(created.response.status).toBe(400);
  });
});

describe("DELETE /api/admin/projects/:projectId", () => {
  it("removes the project with its users, sessions, refresh tokens and keys; audit rows stay, holding ids only", async () => {
    const id = (await create({ name: uniqueId("Del") })).data!.data.id;
    const users = [await registerUser(id), await registerUser(id)];
    await owner.POST("/api/admin/projects/{projectId}/keys/rotate", path(id));
    const tables = ["users", "sessions", "refresh_tokens", "signing_keys"];
    for (const table of tables) expect(await count(table, id)).toBeGreaterThan(0);
    const { data, response } = await owner.DELETE("/api/admin/projects/{projectId}", path(id));
    expect(response.status).toBe(200);
    expect(data!.data.deleted).toBe(true);
    for (const table of tables) expect(await count(table, id)).toBe(0);
    expect(await count("audit_log", id)).toBeGreaterThan(3);
    const audit = JSON.stringify((await env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ?`).bind(id).all()).results);
    for (const user of users) expect(audit).not.toContain(user.email);
    expect((await lastAudit("admin.project.delete", id))!.actor_id).toMatch(/^adm_/);
    expect((await bearer(users[0]!.accessToken).GET("/api/auth/{projectId}/me", path(id))).response.status).toBe(404);
    expect((await owner.GET("/api/admin/projects/{projectId}", path(id))).response.status).toBe(404);
  });

  it("answers 404 for a missing project (without an audit entry) and 403 for a viewer", async () => {
    expect((await owner.DELETE("/api/admin/projects/{projectId}", path("missing_project"))).error).toMatchObject({ code: "NOT_FOUND" });
    expect(await lastAudit("admin.project.delete", "missing_project")).toBeNull();
    const id = (await create({ name: uniqueId("Keep") })).data!.data.id;
    expect((await viewer.DELETE("/api/admin/projects/{projectId}", path(id))).response.status).toBe(403);
    expect((await apiClient().DELETE("/api/admin/projects/{projectId}", path(id))).response.status).toBe(401);
  });
});
