import { env } from "cloudflare:test";
import { createLocalJWKSet, createRemoteJWKSet, customFetch, jwtVerify } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ACCESS_TOKEN_CLOCK_TOLERANCE_S } from "../../src/config";
import { BASE_URL, api, call } from "../helpers/client";
import { bearer, createProject, registerUser } from "../helpers/fixtures";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});
afterEach(() => {
  vi.useRealTimers();
});

const me = (token: string, project = projectId) => bearer(token).GET("/api/auth/{projectId}/me", { params: { path: { projectId: project } } });

describe("GET /api/auth/:projectId/me", () => {
  it("returns the profile of the token's user", async () => {
    const user = await registerUser(projectId);
    const { data, response } = await me(user.accessToken);
    expect(response.status).toBe(200);
    expect(data!.data).toMatchObject({ id: user.user.id, email: user.email, displayName: "Test User", emailVerified: false });
    expect(data!.data.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 401 UNAUTHORIZED without a token and INVALID_TOKEN for garbage", async () => {
    const none = await api.GET("/api/auth/{projectId}/me", { params: { path: { projectId } } });
    expect(none.response.status).toBe(401);
    expect(none.error!.code).toBe("UNAUTHORIZED");
    const garbage = await me("not.a.jwt");
    expect(garbage.response.status).toBe(401);
    expect(garbage.error!.code).toBe("INVALID_TOKEN");
  });

  it("rejects a token of project A presented to project B with 401", async () => {
    const other = await createProject();
    const user = await registerUser(projectId);
    const { error, response } = await me(user.accessToken, other);
    expect(response.status).toBe(401);
    expect(error!.code).toBe("INVALID_TOKEN");
  });

  it("rejects a tampered token", async () => {
    const user = await registerUser(projectId);
    const [h, p, s] = user.accessToken.split(".");
    const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, sub: "usr_someone_else" }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    const { response } = await me(`${h}.${forged}.${s}`);
    expect(response.status).toBe(401);
  });

  it("answers 401 TOKEN_EXPIRED once the access token is past exp plus the clock tolerance", async () => {
    const user = await registerUser(projectId);
    vi.useFakeTimers({ now: Date.now() + (900 + ACCESS_TOKEN_CLOCK_TOLERANCE_S - 5) * 1000, toFake: ["Date"] });
    expect((await me(user.accessToken)).response.status).toBe(200);
    vi.setSystemTime(Date.now() + 10_000);
    const { error, response } = await me(user.accessToken);
    expect(response.status).toBe(401);
    expect(error!.code).toBe("TOKEN_EXPIRED");
  });

  it("honours the project's access token lifetime", async () => {
    const shortLived = await createProject({ accessTokenTtl: 60 });
    const user = await registerUser(shortLived);
    const claims = JSON.parse(atob(user.accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims.exp - claims.iat).toBe(60);
    expect(user.expiresIn).toBe(60);
  });

  it("answers 403 USER_DISABLED for a disabled user and 403 PROJECT_DISABLED for a disabled project", async () => {
    const project = await createProject();
    const user = await registerUser(project);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(user.user.id).run();
    expect((await me(user.accessToken, project)).error!.code).toBe("USER_DISABLED");
    await env.DB.prepare(`UPDATE projects SET enabled = 0 WHERE id = ?`).bind(project).run();
    expect((await me(user.accessToken, project)).error!.code).toBe("PROJECT_DISABLED");
  });
});

describe("PATCH /api/auth/:projectId/me", () => {
  it("updates and clears the display name", async () => {
    const user = await registerUser(projectId);
    const client = bearer(user.accessToken);
    const params = { path: { projectId } };
    const set = await client.PATCH("/api/auth/{projectId}/me", { params, body: { displayName: "  New Name " } });
    expect(set.data!.data.displayName).toBe("New Name");
    const cleared = await client.PATCH("/api/auth/{projectId}/me", { params, body: { displayName: null } });
    expect(cleared.data!.data.displayName).toBeNull();
    const extra = await client.PATCH("/api/auth/{projectId}/me", { params, body: { displayName: "x", email: "x@example.com" } as never });
    expect(extra.response.status).toBe(400);
  });
});

describe("GET /api/auth/:projectId/.well-known/jwks.json", () => {
  it("publishes keys with which jose verifies our access tokens, with nothing private", async () => {
    const user = await registerUser(projectId);
    const res = await call(`/api/auth/${projectId}/.well-known/jwks.json`);
    expect(res.headers.get("cache-control")).toContain("max-age");
    const jwks = (await res.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key).not.toHaveProperty("d");
    const discovery = (await (await call(`/api/auth/${projectId}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.jwks_uri).toBe(`${BASE_URL}/api/auth/${projectId}/.well-known/jwks.json`);
    const { payload, protectedHeader } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks as never), {
      issuer: discovery.issuer,
      audience: projectId,
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toMatchObject({ sub: user.user.id, aud: projectId });
    expect(typeof payload.sid).toBe("string");
  });

  it("works as a remote JWKS for jose, fetched from the endpoint alone", async () => {
    const user = await registerUser(projectId);
    // jose fetches the JWKS itself; only the transport is pointed at the Worker under test.
    const remote = createRemoteJWKSet(new URL(`${BASE_URL}/api/auth/${projectId}/.well-known/jwks.json`), {
      [customFetch]: (url: string, init: RequestInit) => call(url, { method: init.method, headers: init.headers }),
    });
    const { payload } = await jwtVerify(user.accessToken, remote, { audience: projectId });
    expect(payload.sub).toBe(user.user.id);
  });

  it("does not verify a token of another project", async () => {
    const other = await createProject();
    const user = await registerUser(other);
    const jwks = await (await call(`/api/auth/${projectId}/.well-known/jwks.json`)).json();
    await expect(jwtVerify(user.accessToken, createLocalJWKSet(jwks as never))).rejects.toThrow();
  });
});
