import { env } from "cloudflare:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signAccessToken } from "../../src/crypto/jwt";
import { sealingSecrets } from "../../src/crypto/box";
import { importPrivateKey } from "../../src/crypto/keys";
import { RETIRED_KEY_GRACE_SECONDS } from "../../src/config";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api, apiClient } from "../helpers/client";
import { PASSWORD, bearer, createProject, registerUser, tokensOf } from "../helpers/fixtures";

const TTL = 300;
let owner: ReturnType<typeof adminClient>;
let viewer: ReturnType<typeof adminClient>;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
  viewer = adminClient((await adminWithRole("viewer")).token);
});
afterEach(() => {
  vi.useRealTimers();
});

const path = (projectId: string) => ({ params: { path: { projectId } } });
const keys = async (projectId: string) => (await viewer.GET("/api/admin/projects/{projectId}/keys", path(projectId))).data!.data;
const rotate = (projectId: string) => owner.POST("/api/admin/projects/{projectId}/keys/rotate", path(projectId));
const jwks = async (projectId: string) => (await api.GET("/api/auth/{projectId}/.well-known/jwks.json", path(projectId))).data!;
const me = (projectId: string, token: string) => bearer(token).GET("/api/auth/{projectId}/me", path(projectId));
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const login = async (projectId: string, email: string) =>
  tokensOf((await api.POST("/api/auth/{projectId}/login", { ...path(projectId), body: { email, password: PASSWORD } })).data!.data).accessToken;

describe("GET /api/admin/projects/:projectId/keys", () => {
  it("lists the active key's public half only, matching the JWKS", async () => {
    const projectId = await createProject();
    const [key, ...rest] = await keys(projectId);
    expect(rest).toEqual([]);
    expect(key).toMatchObject({ alg: "ES256", status: "active", retiredAt: null, verifyUntil: null });
    expect(Object.keys(key!.publicJwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    expect((await jwks(projectId)).keys).toEqual([key!.publicJwk]);
    const stored = await env.DB.prepare(`SELECT private_jwk_box FROM signing_keys WHERE id = ?`).bind(key!.kid).first<string>("private_jwk_box");
    expect(JSON.stringify(key)).not.toContain(stored!.slice(0, 24));
  });

  it("answers 404 for a missing project and 401 without a session", async () => {
    expect((await viewer.GET("/api/admin/projects/{projectId}/keys", path("missing_project"))).error).toMatchObject({ code: "NOT_FOUND" });
    expect((await apiClient().GET("/api/admin/projects/{projectId}/keys", path("missing_project"))).response.status).toBe(401);
  });
});

describe("POST /api/admin/projects/:projectId/keys/rotate", () => {
  it("signs new tokens with a new key while old tokens verify until they expire, then drops the old key from JWKS", async () => {
    const projectId = await createProject({ accessTokenTtl: TTL });
    const user = await registerUser(projectId);
    const [old] = await keys(projectId);
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ["Date"] });

    const { data, response } = await rotate(projectId);
    expect(response.status).toBe(201);
    const fresh = data!.data;
    expect(fresh).toMatchObject({ status: "active", retiredAt: null, verifyUntil: null });
    expect(fresh.kid).not.toBe(old!.kid);
    const listed = await keys(projectId);
    expect(listed.map((k) => [k.kid, k.status])).toEqual([
      [fresh.kid, "active"],
      [old!.kid, "retired"],
    ]);
    expect(Date.parse(listed[1]!.verifyUntil!) - Date.parse(listed[1]!.retiredAt!)).toBe((TTL + RETIRED_KEY_GRACE_SECONDS) * 1000);

    const newToken = await login(projectId, user.email);
    expect(kidOf(user.accessToken)).toBe(old!.kid);
    expect(kidOf(newToken)).toBe(fresh.kid);
    const set = await jwks(projectId);
    expect(set.keys.map((k) => k.kid).sort()).toEqual([old!.kid, fresh.kid].sort());
    for (const token of [user.accessToken, newToken]) {
      expect((await me(projectId, token)).response.status).toBe(200);
      const { payload } = await jwtVerify(token, createLocalJWKSet(set), { audience: projectId, currentDate: new Date() });
      expect(payload.sub).toBe(user.user.id);
    }

    vi.setSystemTime(Date.parse(listed[1]!.verifyUntil!) - 1000);
    expect((await jwks(projectId)).keys.map((k) => k.kid)).toContain(old!.kid);
    vi.setSystemTime(Date.parse(listed[1]!.verifyUntil!) + 1000);
    expect((await jwks(projectId)).keys.map((k) => k.kid)).toEqual([fresh.kid]);
    expect((await me(projectId, user.accessToken)).error).toMatchObject({ code: "TOKEN_EXPIRED" });
    expect((await me(projectId, await login(projectId, user.email))).response.status).toBe(200);
  });

  it("stops a retired key from verifying anything after verify_until, even a token with a far expiry", async () => {
    const projectId = await createProject();
    const user = await registerUser(projectId);
    const old = await env.DB.prepare(`SELECT id, private_jwk_box FROM signing_keys WHERE project_id = ?`)
      .bind(projectId)
      .first<{ id: string; private_jwk_box: string }>();
    // What a thief holding the old private key could mint: a token valid for a year.
    const forged = await signAccessToken(await importPrivateKey(old!.id, old!.private_jwk_box, sealingSecrets(env)), old!.id, {
      issuer: `http://auth.test/api/auth/${projectId}`,
      projectId,
      userId: user.user.id,
      amr: ["pwd"],
      sessionId: JSON.parse(atob(user.accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid,
      ttlSeconds: 365 * 24 * 3600,
      now: Date.now(),
    });
    expect((await me(projectId, forged)).response.status).toBe(200);
    vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    await rotate(projectId);
    const retired = (await keys(projectId)).find((k) => k.kid === old!.id)!;
    vi.setSystemTime(Date.parse(retired.verifyUntil!) + 61_000);
    expect((await me(projectId, forged)).error).toMatchObject({ code: "INVALID_TOKEN" });
  });

  it("keeps exactly one active key over repeated rotations and audits each", async () => {
    const projectId = await createProject();
    for (let i = 0; i < 3; i++) expect((await rotate(projectId)).response.status).toBe(201);
    const all = await keys(projectId);
    expect(all.map((k) => k.status)).toEqual(["active", "retired", "retired", "retired"]);
    const audited = await env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE type = 'admin.project.key.rotate' AND project_id = ?`)
      .bind(projectId)
      .first<number>("n");
    expect(audited).toBe(3);
  });

  it("answers 404 for a missing project, 403 for a viewer and 401 without a session", async () => {
    expect((await rotate("missing_project")).error).toMatchObject({ code: "NOT_FOUND" });
    const projectId = await createProject();
    const denied = await viewer.POST("/api/admin/projects/{projectId}/keys/rotate", path(projectId));
    expect(denied.response.status).toBe(403);
    expect(denied.error!.code).toBe("FORBIDDEN");
    expect((await apiClient().POST("/api/admin/projects/{projectId}/keys/rotate", path(projectId))).response.status).toBe(401);
    expect(await keys(projectId)).toHaveLength(1);
  });
});
