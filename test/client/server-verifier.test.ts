import { SELF } from "cloudflare:test";
import { Hono } from "hono";
import { decodeProtectedHeader } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuthVariables, createVerifier, requireAuth, type VerifierFetch } from "../../src/client/server";
import { adminClient, ownerToken } from "../helpers/admin";
import { api, BASE_URL } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { bearer, createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";
import { APP, codeFor, createOAuthClient, form, signedInBrowser } from "../oidc/support";

const TTL = 300;
const TOLERANCE_S = 30;

/** The Worker's fetch, as an app's backend would reach the service; `urls` records every request. */
function workerFetch(urls: string[] = []): VerifierFetch {
  return (input, init) => {
    urls.push(input);
    return SELF.fetch(new Request(input, init));
  };
}

let projectId: string;
beforeAll(async () => {
  projectId = await createProject({ accessTokenTtl: TTL });
});
afterEach(() => {
  vi.useRealTimers();
});

const inProject = (id = projectId) => ({ params: { path: { projectId: id } } });
const verifierFor = (id = projectId, fetch = workerFetch()) => createVerifier({ baseUrl: BASE_URL, projectId: id, fetch });
const login = async (email: string, id = projectId) =>
  tokensOf((await api.POST("/api/auth/{projectId}/login", { ...inProject(id), body: { email, password: PASSWORD } })).data!.data).accessToken;

describe("createVerifier().verify (offline, against the JWKS)", () => {
  it("returns the typed claims of a real token, with the profile claims", async () => {
    const user = await registerUser(projectId);
    const { data, error } = await verifierFor().verify(user.accessToken);
    expect(error).toBeNull();
    expect(data).toMatchObject({
      iss: `${BASE_URL}/api/auth/${projectId}`,
      aud: projectId,
      sub: user.user.id,
      sid: expect.stringMatching(/^ses_/),
      email: user.email,
      email_verified: false,
      app_metadata: {},
    });
    expect(data!.exp - data!.iat).toBe(TTL);
  });

  it("refuses a tampered token, another project's token and a missing token, without throwing", async () => {
    const user = await registerUser(projectId);
    const verifier = verifierFor();
    const [header, payload, signature] = user.accessToken.split(".");
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, sub: "usr_someone_else" }))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect((await verifier.verify(`${header}.${forged}.${signature}`)).error).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
    expect((await verifier.verify("not-a-jwt")).error).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
    const other = await registerUser(await createProject());
    expect((await verifier.verify(other.accessToken)).error).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
    expect((await verifier.verify("")).error).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });

  it("refuses an expired token with TOKEN_EXPIRED, only past the clock tolerance", async () => {
    const user = await registerUser(projectId);
    const verifier = verifierFor();
    const clock = fakeClock();
    clock.tick((TTL + TOLERANCE_S - 5) * 1000);
    expect((await verifier.verify(user.accessToken)).error).toBeNull();
    clock.tick(10_000);
    expect((await verifier.verify(user.accessToken)).error).toMatchObject({ status: 401, code: "TOKEN_EXPIRED" });
  });

  it("checks the issuer: the default is baseUrl's, an `issuer` option serves a PUBLIC_URL deployment reached by another URL", async () => {
    const user = await registerUser(projectId);
    // The service is reached at an internal URL while it signs with its public one.
    const internal = "http://auth.internal";
    const viaInternal: VerifierFetch = (input, init) => SELF.fetch(new Request(input.replace(internal, BASE_URL), init));
    const plain = createVerifier({ baseUrl: internal, projectId, fetch: viaInternal });
    expect((await plain.verify(user.accessToken)).error).toMatchObject({ code: "INVALID_TOKEN" });
    const configured = createVerifier({ baseUrl: internal, projectId, fetch: viaInternal, issuer: `${BASE_URL}/api/auth/${projectId}` });
    expect((await configured.verify(user.accessToken)).data).toMatchObject({ sub: user.user.id });
  });

  it("after a key rotation verifies a token of the new key (refetching the JWKS once) and still the old key's tokens", async () => {
    const id = await createProject({ accessTokenTtl: TTL });
    const user = await registerUser(id);
    const urls: string[] = [];
    const verifier = verifierFor(id, workerFetch(urls));
    const clock = fakeClock();
    expect((await verifier.verify(user.accessToken)).error).toBeNull();
    const owner = adminClient(await ownerToken());
    expect((await owner.POST("/api/admin/projects/{projectId}/keys/rotate", inProject(id))).response.status).toBe(201);
    const fresh = await login(user.email, id);
    expect(decodeProtectedHeader(fresh).kid).not.toBe(decodeProtectedHeader(user.accessToken).kid);
    // jose refetches on an unknown kid at most once per 30 s cooldown.
    clock.tick(31_000);
    expect((await verifier.verify(fresh)).data).toMatchObject({ sub: user.user.id });
    expect((await verifier.verify(user.accessToken)).data).toMatchObject({ sub: user.user.id });
    expect(urls.filter((url) => url.endsWith("/.well-known/jwks.json"))).toHaveLength(2);
  });

  it("answers NETWORK_ERROR (status 0) when the JWKS cannot be fetched", async () => {
    const user = await registerUser(projectId);
    const down = createVerifier({ baseUrl: BASE_URL, projectId, fetch: () => Promise.reject(new TypeError("connection refused")) });
    expect((await down.verify(user.accessToken)).error).toMatchObject({ status: 0, code: "NETWORK_ERROR" });
  });
});

describe("createVerifier().verify(token, { online: true })", () => {
  it("also asks the service, so a revoked session is refused at once where offline verification still accepts the token", async () => {
    const user = await registerUser(projectId);
    const other = await registerUser(projectId);
    const urls: string[] = [];
    const verifier = verifierFor(projectId, workerFetch(urls));
    expect((await verifier.verify(user.accessToken, { online: true })).data).toMatchObject({ sub: user.user.id });
    expect(urls.some((url) => url.endsWith(`/api/auth/${projectId}/me`))).toBe(true);
    const { data } = await verifier.verify(user.accessToken);
    await bearer(other.accessToken).POST("/api/auth/{projectId}/logout", { ...inProject(), body: { refreshToken: other.refreshToken } });
    expect(
      (await bearer(user.accessToken).DELETE("/api/auth/{projectId}/sessions/{sessionId}", { params: { path: { projectId, sessionId: data!.sid } } })).response
        .status,
    ).toBe(200);
    expect((await verifier.verify(user.accessToken)).error).toBeNull();
    expect((await verifier.verify(user.accessToken, { online: true })).error).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
    expect((await verifier.verify(other.accessToken, { online: true })).error).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
  });

  it("verifies a token issued to an OAuth client (the resource server's case) online too, until the client revokes it", async () => {
    const client = await createOAuthClient(projectId);
    const browser = await signedInBrowser(projectId);
    const { code, verifier: pkceVerifier } = await codeFor(projectId, client.clientId, browser.cookie);
    const exchanged = { grant_type: "authorization_code", code: code!, redirect_uri: APP, code_verifier: pkceVerifier, client_id: client.clientId };
    const tokens = await (await form(projectId, "token", exchanged)).json<{ access_token: string; refresh_token: string }>();
    const verifier = verifierFor();
    const { data, error } = await verifier.verify(tokens.access_token, { online: true });
    expect(error).toBeNull();
    expect(data).toMatchObject({ sub: browser.user.user.id, client_id: client.clientId, scope: "openid email profile" });
    await form(projectId, "revoke", { token: tokens.refresh_token, client_id: client.clientId });
    expect((await verifier.verify(tokens.access_token)).error).toBeNull();
    expect((await verifier.verify(tokens.access_token, { online: true })).error).toMatchObject({ status: 401, code: "INVALID_TOKEN" });
  });
});

describe("requireAuth (Hono middleware)", () => {
  const appWith = (online = false, fetch = workerFetch()) => {
    const app = new Hono<{ Variables: AuthVariables }>();
    app.use("/api/*", requireAuth(createVerifier({ baseUrl: BASE_URL, projectId, fetch }), { online }));
    app.get("/api/whoami", (c) => c.json({ sub: c.get("auth").sub, email: c.get("auth").email }));
    return app;
  };
  const get = (app: Hono<{ Variables: AuthVariables }>, authorization?: string) =>
    app.request("/api/whoami", { headers: authorization ? { Authorization: authorization } : {} });

  it("answers 401 UNAUTHORIZED in the envelope without a token, 200 with the claims on the context with one", async () => {
    const user = await registerUser(projectId);
    const app = appWith();
    const missing = await get(app);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("WWW-Authenticate")).toBe("Bearer");
    expect(await missing.json()).toEqual({ success: false, error: expect.any(String), code: "UNAUTHORIZED" });
    expect(await (await get(app, `Basic ${btoa("a:b")}`)).json()).toMatchObject({ success: false, code: "UNAUTHORIZED" });
    const ok = await get(app, `Bearer ${user.accessToken}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sub: user.user.id, email: user.email });
  });

  it("answers 401 INVALID_TOKEN and TOKEN_EXPIRED in the envelope", async () => {
    const user = await registerUser(projectId);
    const app = appWith();
    const invalid = await get(app, "Bearer not-a-jwt");
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    expect(await invalid.json()).toEqual({ success: false, error: expect.any(String), code: "INVALID_TOKEN" });
    fakeClock().tick((TTL + TOLERANCE_S + 1) * 1000);
    const expired = await get(app, `Bearer ${user.accessToken}`);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ success: false, error: expect.any(String), code: "TOKEN_EXPIRED" });
  });

  it("online, refuses a token of an ended session; answers 502 UPSTREAM_ERROR when the service cannot be reached", async () => {
    const user = await registerUser(projectId);
    const app = appWith(true);
    expect((await get(app, `Bearer ${user.accessToken}`)).status).toBe(200);
    await api.POST("/api/auth/{projectId}/logout", { ...inProject(), body: { refreshToken: user.refreshToken } });
    const ended = await get(app, `Bearer ${user.accessToken}`);
    expect(ended.status).toBe(401);
    expect(await ended.json()).toMatchObject({ success: false, code: "INVALID_TOKEN" });
    const down = appWith(false, () => Promise.reject(new TypeError("connection refused")));
    const unreachable = await get(down, `Bearer ${user.accessToken}`);
    expect(unreachable.status).toBe(502);
    expect(await unreachable.json()).toEqual({ success: false, error: expect.any(String), code: "UPSTREAM_ERROR" });
  });
});

describe("createVerifier: tokens of a session restricted to enrolling a second factor", () => {
  it("refuses a `restricted` token with 403 MFA_REQUIRED by default, and accepts it with acceptRestricted", async () => {
    const id = await createProject({ accessTokenTtl: TTL });
    await adminClient(await ownerToken()).PATCH("/api/admin/projects/{projectId}", { ...inProject(id), body: { mfa: "required" } });
    const user = await registerUser(id);
    const refused = await verifierFor(id).verify(user.accessToken);
    expect(refused.error).toMatchObject({ status: 403, code: "MFA_REQUIRED" });
    const accepted = await createVerifier({ baseUrl: BASE_URL, projectId: id, fetch: workerFetch(), acceptRestricted: true }).verify(user.accessToken);
    expect(accepted.data).toMatchObject({ sub: user.user.id, restricted: "mfa_enrollment", amr: ["pwd"] });
    const app = new Hono<{ Variables: AuthVariables }>().get("/private", requireAuth(verifierFor(id)), (c) => c.text("ok"));
    const response = await app.request("/private", { headers: { Authorization: `Bearer ${user.accessToken}` } });
    expect(response.status).toBe(403);
  });
});
