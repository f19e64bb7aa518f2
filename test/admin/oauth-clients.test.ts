// The Admin API of OAuth clients: secrets shown once and stored hashed, redirect URI rules, the
// per-project limit, roles, tenant isolation, rotation, and deletion ending the client's sessions.
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CLIENT_PREVIOUS_SECRET_MS, CLIENT_REDIRECT_URIS_MAX, OAUTH_CLIENTS_PER_PROJECT } from "../../src/config";
import { sha256Hex } from "../../src/crypto/random";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { createProject, registerUser } from "../helpers/fixtures";

const PATH = "/api/admin/projects/{projectId}/oauth-clients";
const ONE = "/api/admin/projects/{projectId}/oauth-clients/{clientId}";
const ROTATE = "/api/admin/projects/{projectId}/oauth-clients/{clientId}/rotate-secret";
const CALLBACK = "https://app.example.com/callback";

let owner: ReturnType<typeof adminClient>;
let projectId: string;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
  projectId = await createProject();
});
afterEach(() => vi.useRealTimers());

const create = (body: Record<string, unknown>, client = owner, project = projectId) =>
  client.POST(PATH, { params: { path: { projectId: project } }, body: { name: "App", type: "public", redirectUris: [CALLBACK], ...body } as any });

const auditTypes = async (clientId: string) =>
  (await env.DB.prepare(`SELECT type FROM audit_log WHERE target_id = ? ORDER BY rowid`).bind(clientId).all<{ type: string }>()).results.map((r) => r.type);
const storedRow = (clientId: string) =>
  env.DB.prepare(`SELECT * FROM oauth_clients WHERE client_id = ?`).bind(clientId).first<{ secret_hash: string | null; previous_secret_hash: string | null }>();

describe("POST /api/admin/projects/{projectId}/oauth-clients", () => {
  it("registers a confidential client: its cs_ secret is shown once, stored as SHA-256, and never read back", async () => {
    const { data, response } = await create({
      name: "Web",
      type: "confidential",
      firstParty: true,
      redirectUris: [CALLBACK],
      postLogoutRedirectUris: ["https://app.example.com/"],
    });
    expect(response.status).toBe(201);
    const client = data!.data;
    expect(client.clientId).toMatch(/^cl_/);
    expect(client.clientSecret).toMatch(/^cs_/);
    expect(client).toMatchObject({
      name: "Web",
      type: "confidential",
      firstParty: true,
      redirectUris: [CALLBACK],
      postLogoutRedirectUris: ["https://app.example.com/"],
      previousSecretExpiresAt: null,
    });
    const row = await storedRow(client.clientId);
    expect(row!.secret_hash).toBe(await sha256Hex(client.clientSecret!));
    const got = await owner.GET(ONE, { params: { path: { projectId, clientId: client.clientId } } });
    const listed = await owner.GET(PATH, { params: { path: { projectId } } });
    for (const read of [got, listed]) {
      expect(read.response.status).toBe(200);
      const text = JSON.stringify(read.data);
      expect(text).not.toContain(client.clientSecret!);
      expect(text).not.toContain(row!.secret_hash!);
      expect(text).not.toMatch(/secret_hash|clientSecret"/);
    }
    expect(got.data!.data).not.toHaveProperty("clientSecret");
    expect(await auditTypes(client.clientId)).toEqual(["admin.oauth_client.create"]);
  });

  it("registers a public client without a secret; firstParty defaults to false", async () => {
    const { data, response } = await create({ type: "public", redirectUris: ["com.example.app:/callback", "http://127.0.0.1/cb"] });
    expect(response.status).toBe(201);
    expect(data!.data).not.toHaveProperty("clientSecret");
    expect(data!.data).toMatchObject({ type: "public", firstParty: false, postLogoutRedirectUris: [] });
    expect((await storedRow(data!.data.clientId))!.secret_hash).toBeNull();
  });

  it.each([
    ["a fragment", "https://app.example.com/cb#x", "fragment"],
    ["http to a public host", "http://app.example.com/cb", "https"],
    ["credentials", "https://user:pw@app.example.com/cb", "credentials"],
    ["a scheme without a dot", "myapp:/callback", "private-use scheme"],
    ["javascript:", "javascript:alert(1)", "private-use scheme"],
    ["a relative URL", "/callback", "absolute URL"],
  ])("refuses a redirect URI with %s: 400 VALIDATION_ERROR naming the reason", async (_, uri, reason) => {
    const { error, response } = await create({ redirectUris: [CALLBACK, uri] });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: "VALIDATION_ERROR" });
    expect((error as { error: string }).error).toContain("redirectUris");
    expect((error as { error: string }).error).toContain(reason);
    const postLogout = await create({ postLogoutRedirectUris: [uri] });
    expect(postLogout.response.status).toBe(400);
    expect((postLogout.error as { error: string }).error).toContain("postLogoutRedirectUris");
  });

  it("allows http to loopback hosts (native apps, local development)", async () => {
    for (const uri of ["http://localhost:3000/cb", "http://127.0.0.1:8080/cb", "http://[::1]/cb"]) {
      expect((await create({ redirectUris: [uri] })).response.status).toBe(201);
    }
  });

  it("refuses no redirect URI, too many, repeats, a type other than public/confidential and unknown fields", async () => {
    const many = Array.from({ length: CLIENT_REDIRECT_URIS_MAX + 1 }, (_, i) => `https://app.example.com/cb${i}`);
    for (const body of [
      { redirectUris: [] },
      { redirectUris: many },
      { redirectUris: [CALLBACK, CALLBACK] },
      { postLogoutRedirectUris: many },
      { type: "spa" },
      { name: "" },
      { clientSecret: "cs_chosen" },
    ]) {
      const { error, response } = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error).toMatchObject({ code: "VALIDATION_ERROR" });
    }
  });

  it(`stops at ${OAUTH_CLIENTS_PER_PROJECT} clients per project with 409 CONFLICT`, async () => {
    const full = await createProject();
    const at = new Date().toISOString();
    await env.DB.batch(
      Array.from({ length: OAUTH_CLIENTS_PER_PROJECT }, (_, i) =>
        env.DB.prepare(
          `INSERT INTO oauth_clients (client_id, project_id, name, type, redirect_uris, created_at, updated_at) VALUES (?, ?, 'x', 'public', '[]', ?, ?)`,
        ).bind(`cl_fill_${full}_${i}`, full, at, at),
      ),
    );
    const { error, response } = await create({}, owner, full);
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect((error as { error: string }).error).toContain(String(OAUTH_CLIENTS_PER_PROJECT));
    await env.DB.prepare(`DELETE FROM oauth_clients WHERE client_id = ?`).bind(`cl_fill_${full}_0`).run();
    expect((await create({}, owner, full)).response.status).toBe(201);
  });
});

describe("GET /api/admin/projects/{projectId}/oauth-clients", () => {
  it("pages oldest first with meta.nextCursor, without repeats", async () => {
    const paged = await createProject();
    const clock = fakeClock();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.tick();
      ids.push((await create({ name: `c${i}` }, owner, paged)).data!.data.clientId);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { data, response } = await owner.GET(PATH, { params: { path: { projectId: paged }, query: { limit: 2, cursor } } });
      expect(response.status).toBe(200);
      seen.push(...data!.data.map((c) => c.clientId));
      cursor = data!.meta.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids);
  });
});

describe("PATCH /api/admin/projects/{projectId}/oauth-clients/{clientId}", () => {
  it("changes name, URIs and firstParty; type stays immutable (400)", async () => {
    const { data } = await create({ type: "confidential" });
    const path = { projectId, clientId: data!.data.clientId };
    const updated = await owner.PATCH(ONE, {
      params: { path },
      body: { name: "Renamed", firstParty: true, redirectUris: ["https://app.example.com/new"], postLogoutRedirectUris: ["https://app.example.com/bye"] },
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data!.data).toMatchObject({
      name: "Renamed",
      firstParty: true,
      type: "confidential",
      redirectUris: ["https://app.example.com/new"],
      postLogoutRedirectUris: ["https://app.example.com/bye"],
    });
    expect(JSON.stringify(updated.data)).not.toContain(data!.data.clientSecret!);
    const typed = await owner.PATCH(ONE, { params: { path }, body: { type: "public" } as any });
    expect(typed.response.status).toBe(400);
    const bad = await owner.PATCH(ONE, { params: { path }, body: { redirectUris: ["http://evil.example.com/cb"] } });
    expect(bad.response.status).toBe(400);
    expect((bad.error as { error: string }).error).toContain("https");
    expect((await owner.PATCH(ONE, { params: { path }, body: {} })).response.status).toBe(400);
    expect(await auditTypes(path.clientId)).toEqual(["admin.oauth_client.create", "admin.oauth_client.update"]);
  });
});

describe("POST /api/admin/projects/{projectId}/oauth-clients/{clientId}/rotate-secret", () => {
  it("returns a new secret once; the previous one is kept (hashed) until CLIENT_PREVIOUS_SECRET_MS from now", async () => {
    const clock = fakeClock();
    const { data } = await create({ type: "confidential" });
    const first = data!.data.clientSecret!;
    const path = { projectId, clientId: data!.data.clientId };
    clock.tick();
    const rotated = await owner.POST(ROTATE, { params: { path } });
    expect(rotated.response.status).toBe(200);
    const second = rotated.data!.data.clientSecret;
    expect(second).toMatch(/^cs_/);
    expect(second).not.toBe(first);
    expect(rotated.data!.data.previousSecretExpiresAt).toBe(new Date(clock.now + CLIENT_PREVIOUS_SECRET_MS).toISOString());
    const row = await storedRow(path.clientId);
    expect(row!.secret_hash).toBe(await sha256Hex(second));
    expect(row!.previous_secret_hash).toBe(await sha256Hex(first));
    const got = await owner.GET(ONE, { params: { path } });
    expect(JSON.stringify(got.data)).not.toContain(second);
    expect(got.data!.data.previousSecretExpiresAt).toBe(rotated.data!.data.previousSecretExpiresAt);
    clock.tick(CLIENT_PREVIOUS_SECRET_MS);
    // A day later the shared admin session is idle-expired: a fresh login reads it.
    const later = adminClient(await ownerToken());
    expect((await later.GET(ONE, { params: { path } })).data!.data.previousSecretExpiresAt).toBeNull();
    expect(await auditTypes(path.clientId)).toEqual(["admin.oauth_client.create", "admin.oauth_client.rotate_secret"]);
  });

  it("refuses a public client with 409 CONFLICT (it has no secret) and writes no audit entry", async () => {
    const { data } = await create({ type: "public" });
    const { error, response } = await owner.POST(ROTATE, { params: { path: { projectId, clientId: data!.data.clientId } } });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect((error as { error: string }).error).toContain("public");
    expect(await auditTypes(data!.data.clientId)).toEqual(["admin.oauth_client.create"]);
  });
});

describe("DELETE /api/admin/projects/{projectId}/oauth-clients/{clientId}", () => {
  it("deletes the client and revokes every session issued to it (and only those)", async () => {
    const { data } = await create({ type: "confidential" });
    const clientId = data!.data.clientId;
    const user = await registerUser(projectId);
    const other = await registerUser(projectId);
    const sid = (token: string) => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;
    const clientSession = sid(user.accessToken);
    await env.DB.prepare(`UPDATE sessions SET client_id = ? WHERE id = ?`).bind(clientId, clientSession).run();
    const deleted = await owner.DELETE(ONE, { params: { path: { projectId, clientId } } });
    expect(deleted.response.status).toBe(200);
    expect(deleted.data!.data).toEqual({ deleted: true, revokedSessions: 1 });
    const revoked = await env.DB.prepare(`SELECT id, revoked_at, revoked_reason FROM sessions WHERE id IN (?, ?)`)
      .bind(clientSession, sid(other.accessToken))
      .all<{ id: string; revoked_at: string | null; revoked_reason: string | null }>();
    const byId = Object.fromEntries(revoked.results.map((r) => [r.id, r]));
    expect(byId[clientSession]).toMatchObject({ revoked_reason: "client_deleted" });
    expect(byId[clientSession]!.revoked_at).not.toBeNull();
    expect(byId[sid(other.accessToken)]!.revoked_at).toBeNull();
    expect(
      (await api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: user.refreshToken } })).response.status,
    ).toBe(401);
    expect(await storedRow(clientId)).toBeNull();
    expect((await owner.GET(ONE, { params: { path: { projectId, clientId } } })).response.status).toBe(404);
    expect((await owner.DELETE(ONE, { params: { path: { projectId, clientId } } })).response.status).toBe(404);
    expect(await auditTypes(clientId)).toEqual(["admin.oauth_client.create", "admin.oauth_client.delete"]);
  });
});

describe("roles and tenant isolation", () => {
  it("viewers read; writes need admin (403 FORBIDDEN); anonymous gets 401", async () => {
    const viewer = adminClient((await adminWithRole("viewer")).token);
    const admin = adminClient((await adminWithRole("admin")).token);
    const { data } = await create({ type: "confidential" }, admin);
    const path = { projectId, clientId: data!.data.clientId };
    expect((await viewer.GET(PATH, { params: { path: { projectId } } })).response.status).toBe(200);
    expect((await viewer.GET(ONE, { params: { path } })).response.status).toBe(200);
    expect((await create({}, viewer)).response.status).toBe(403);
    expect((await viewer.PATCH(ONE, { params: { path }, body: { name: "x" } })).response.status).toBe(403);
    expect((await viewer.POST(ROTATE, { params: { path } })).response.status).toBe(403);
    expect((await viewer.DELETE(ONE, { params: { path } })).response.status).toBe(403);
    expect((await api.GET(PATH, { params: { path: { projectId } } })).response.status).toBe(401);
    expect((await admin.POST(ROTATE, { params: { path } })).response.status).toBe(200);
  });

  it("another project's id cannot read, change, rotate or delete a client (404), and the client is untouched", async () => {
    const other = await createProject();
    const { data } = await create({ type: "confidential", name: "Mine" });
    const clientId = data!.data.clientId;
    const foreign = { projectId: other, clientId };
    expect((await owner.GET(ONE, { params: { path: foreign } })).response.status).toBe(404);
    expect((await owner.PATCH(ONE, { params: { path: foreign }, body: { name: "Stolen" } })).response.status).toBe(404);
    expect((await owner.POST(ROTATE, { params: { path: foreign } })).response.status).toBe(404);
    expect((await owner.DELETE(ONE, { params: { path: foreign } })).response.status).toBe(404);
    expect((await owner.GET(PATH, { params: { path: { projectId: other } } })).data!.data.map((c) => c.clientId)).not.toContain(clientId);
    const mine = await owner.GET(ONE, { params: { path: { projectId, clientId } } });
    expect(mine.data!.data).toMatchObject({ name: "Mine", previousSecretExpiresAt: null });
    expect(await auditTypes(clientId)).toEqual(["admin.oauth_client.create"]);
  });
});
