import { env } from "cloudflare:test";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { atHash } from "../../src/oidc/id-token";
import { adminClient, ownerToken } from "../helpers/admin";
import { BASE_URL, call } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { createProject } from "../helpers/fixtures";
import { AFTER_LOGOUT, APP, authorize, basic, codeFor, createOAuthClient, form, pkce, signedInBrowser } from "./support";

let projectId: string;
let issuer: string;
let publicClient: string;

beforeAll(async () => {
  projectId = await createProject();
  issuer = `${BASE_URL}/api/auth/${projectId}`;
  publicClient = (await createOAuthClient(projectId)).clientId;
});
afterEach(() => vi.useRealTimers());

const exchange = (clientId: string, code: string, verifier: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  form(projectId, "token", { grant_type: "authorization_code", code, redirect_uri: APP, code_verifier: verifier, client_id: clientId, ...extra }, headers);

async function jwks() {
  const response = await call(`/api/auth/${projectId}/.well-known/jwks.json`);
  return createLocalJWKSet(await response.json());
}

describe("GET /.well-known/openid-configuration", () => {
  it("lists every endpoint and what OpenID Connect Discovery requires", async () => {
    const doc = await (await call(`/api/auth/${projectId}/.well-known/openid-configuration`)).json<any>();
    expect(doc).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      end_session_endpoint: `${issuer}/oauth2/logout`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      scopes_supported: ["openid", "email", "profile", "offline_access"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
    });
    expect(doc.claims_supported).toEqual(expect.arrayContaining(["sub", "email", "email_verified", "name", "auth_time", "nonce", "amr"]));
  });
});

describe("GET /oauth2/authorize", () => {
  it("shows an error page, and redirects nowhere, for an unknown client or an unregistered redirect URI", async () => {
    const { challenge } = pkce();
    const base = { response_type: "code", scope: "openid", code_challenge: challenge, code_challenge_method: "S256" };
    for (const params of [
      { ...base, client_id: "cl_unknown", redirect_uri: APP },
      { ...base, client_id: publicClient, redirect_uri: "https://evil.example/callback" },
      { ...base, client_id: publicClient, redirect_uri: `${APP}/more` },
    ]) {
      const response = await authorize(projectId, params);
      expect(response.status).toBe(400);
      expect(response.headers.get("Location")).toBeNull();
      expect(response.headers.get("Content-Type")).toContain("text/html");
    }
  });

  it("refuses a client of another project (tenant isolation)", async () => {
    const other = await createProject();
    const foreign = await createOAuthClient(other);
    const { challenge } = pkce();
    const response = await authorize(projectId, {
      response_type: "code",
      client_id: foreign.clientId,
      redirect_uri: APP,
      scope: "openid",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    expect(response.status).toBe(400);
  });

  it("sends request errors to the validated redirect URI with state and iss", async () => {
    const { challenge } = pkce();
    const base = {
      response_type: "code",
      client_id: publicClient,
      redirect_uri: APP,
      scope: "openid",
      state: "xyz",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const cases: [Record<string, string>, string][] = [
      [{ ...base, response_type: "token" }, "unsupported_response_type"],
      [{ ...base, code_challenge: "" }, "invalid_request"],
      [{ ...base, code_challenge_method: "plain" }, "invalid_request"],
      [{ ...base, scope: "email" }, "invalid_scope"],
      [{ ...base, scope: "openid admin" }, "invalid_scope"],
      [{ ...base, max_age: "soon" }, "invalid_request"],
      [{ ...base, prompt: "none login" }, "invalid_request"],
    ];
    for (const [params, error] of cases) {
      const response = await authorize(projectId, params);
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("Location")!);
      expect(`${location.origin}${location.pathname}`).toBe(APP);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: "xyz", iss: issuer });
    }
  });

  it("sends a browser without a session to the hosted sign-in page, or answers login_required for prompt=none", async () => {
    const { challenge } = pkce();
    const base = {
      response_type: "code",
      client_id: publicClient,
      redirect_uri: APP,
      scope: "openid",
      state: "s",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const toPage = new URL((await authorize(projectId, base)).headers.get("Location")!);
    expect(`${toPage.origin}${toPage.pathname}`).toBe(`${issuer}/hosted/sign-in`);
    expect(toPage.searchParams.get("request")).toMatch(/^azr_/);
    const none = new URL((await authorize(projectId, { ...base, prompt: "none" })).headers.get("Location")!);
    expect(Object.fromEntries(none.searchParams)).toMatchObject({ error: "login_required", state: "s", iss: issuer });
  });

  it("issues a code at once for a signed-in browser; prompt=login and max_age=0 send it to sign in again", async () => {
    const { cookie } = await signedInBrowser(projectId);
    const { location, code } = await codeFor(projectId, publicClient, cookie);
    expect(`${location.origin}${location.pathname}`).toBe(APP);
    expect(code).toMatch(/^ac_/);
    expect(location.searchParams.get("state")).toBe("st-1");
    expect(location.searchParams.get("iss")).toBe(issuer);
    for (const extra of [{ prompt: "login" }, { max_age: "0" }] as Record<string, string>[]) {
      const again = await codeFor(projectId, publicClient, cookie, extra);
      expect(`${again.location.origin}${again.location.pathname}`).toBe(`${issuer}/hosted/sign-in`);
    }
  });

  it("asks a third-party client's user for consent first (consent_required with prompt=none)", async () => {
    const thirdParty = await createOAuthClient(projectId, { firstParty: false });
    const { cookie } = await signedInBrowser(projectId);
    const { location } = await codeFor(projectId, thirdParty.clientId, cookie);
    expect(`${location.origin}${location.pathname}`).toBe(`${issuer}/hosted/consent`);
    const none = await codeFor(projectId, thirdParty.clientId, cookie, { prompt: "none" });
    expect(none.location.searchParams.get("error")).toBe("consent_required");
  });
});

describe("POST /oauth2/token (authorization_code)", () => {
  it("exchanges a code for an access token, a valid ID token and a refresh token", async () => {
    const { cookie, user } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    const response = await exchange(publicClient, code!, verifier);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<any>();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 900, scope: "openid email profile" });
    const { payload } = await jwtVerify(body.id_token, await jwks(), { issuer, audience: publicClient });
    expect(payload).toMatchObject({
      sub: user.user.id,
      nonce: "n-1",
      amr: ["pwd"],
      email: user.email,
      email_verified: false,
      name: "Test User",
      azp: publicClient,
    });
    expect(payload.at_hash).toBe(await atHash(body.access_token));
    expect(typeof payload.auth_time).toBe("number");
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: projectId, client_id: publicClient, azp: publicClient, scope: "openid email profile" });
    expect(body.refresh_token).toMatch(/^rt_/);
  });

  it("refuses a replayed code and ends the session the first exchange started", async () => {
    const { cookie } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    const first = await (await exchange(publicClient, code!, verifier)).json<any>();
    const replay = await exchange(publicClient, code!, verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    const info = await call(`/api/auth/${projectId}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${first.access_token}` } });
    expect(info.status).toBe(401);
    expect(info.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("refuses a wrong verifier, another redirect URI, another client and an expired code (each spends the code)", async () => {
    const { cookie } = await signedInBrowser(projectId);
    const other = await createOAuthClient(projectId);
    const attempts: [(code: string, verifier: string) => Promise<Response>][] = [
      [(code) => exchange(publicClient, code, pkce().verifier)],
      [(code, verifier) => exchange(publicClient, code, verifier, { redirect_uri: "https://app.example.com/other" })],
      [(code, verifier) => exchange(other.clientId, code, verifier)],
    ];
    for (const [attempt] of attempts) {
      const { code, verifier } = await codeFor(projectId, publicClient, cookie);
      const response = await attempt(code!, verifier);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_grant" });
      expect((await exchange(publicClient, code!, verifier)).status).toBe(400);
    }
    const clock = fakeClock();
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    clock.tick(61_000);
    expect(await (await exchange(publicClient, code!, verifier)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("authenticates a confidential client by HTTP Basic or form post, and refuses a wrong or missing secret", async () => {
    const confidential = await createOAuthClient(projectId, { type: "confidential" });
    const { cookie } = await signedInBrowser(projectId);
    const run = async (fields: Record<string, string>, headers: Record<string, string>) => {
      const { code, verifier } = await codeFor(projectId, confidential.clientId, cookie);
      return form(projectId, "token", { grant_type: "authorization_code", code: code!, redirect_uri: APP, code_verifier: verifier, ...fields }, headers);
    };
    expect((await run({}, basic(confidential.clientId, confidential.secret!))).status).toBe(200);
    expect((await run({ client_id: confidential.clientId, client_secret: confidential.secret! }, {})).status).toBe(200);
    const wrong = await run({}, basic(confidential.clientId, "cs_wrong"));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("WWW-Authenticate")).toContain("Basic");
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    expect((await run({ client_id: confidential.clientId }, {})).status).toBe(401);
  });

  it("answers OAuth errors, never the envelope, for a JSON body or an unknown grant type", async () => {
    const json = await call(`/api/auth/${projectId}/oauth2/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(json.status).toBe(415);
    expect(await json.json()).toEqual({ error: "invalid_request", error_description: "The body must be application/x-www-form-urlencoded" });
    const grant = await form(projectId, "token", { grant_type: "password", client_id: publicClient });
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });
  });
});

describe("session lists", () => {
  it("name the OAuth client a session was issued to, for the user and for admins", async () => {
    const { cookie, user } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    expect((await exchange(publicClient, code!, verifier)).status).toBe(200);
    const mine = await (await call(`/api/auth/${projectId}/sessions`, { headers: { Authorization: `Bearer ${user.accessToken}` } })).json<any>();
    expect(mine.data.map((s: { clientId: string | null }) => s.clientId).sort()).toEqual([null, null, publicClient].sort());
    const owner = adminClient(await ownerToken());
    const { data } = await owner.GET("/api/admin/projects/{projectId}/users/{userId}/sessions", { params: { path: { projectId, userId: user.user.id } } });
    expect(data!.data.filter((s) => s.clientId === publicClient)).toHaveLength(1);
  });
});

describe("POST /oauth2/token (refresh_token)", () => {
  it("rotates for the client it was issued to, and nowhere else", async () => {
    const { cookie } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    const first = await (await exchange(publicClient, code!, verifier)).json<any>();
    const other = await createOAuthClient(projectId);
    const foreign = await form(projectId, "token", { grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: other.clientId });
    expect(await foreign.json()).toMatchObject({ error: "invalid_grant" });
    const viaJsonApi = await call(`/api/auth/${projectId}/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken: first.refresh_token }),
    });
    expect(viaJsonApi.status).toBe(401);
    const refreshed = await form(projectId, "token", { grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: publicClient });
    expect(refreshed.status).toBe(200);
    const body = await refreshed.json<any>();
    expect(body.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(body.access_token)).toMatchObject({ client_id: publicClient, scope: "openid email profile" });
  });

  it("refuses a JSON API refresh token at the token endpoint", async () => {
    const { user } = await signedInBrowser(projectId);
    const response = await form(projectId, "token", { grant_type: "refresh_token", refresh_token: user.refreshToken, client_id: publicClient });
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("UserInfo, revocation and introspection", () => {
  it("UserInfo answers the claims of the granted scopes", async () => {
    const { cookie, user } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie, { scope: "openid email" });
    const tokens = await (await exchange(publicClient, code!, verifier)).json<any>();
    for (const method of ["GET", "POST"]) {
      const info = await call(`/api/auth/${projectId}/oauth2/userinfo`, { method, headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(await info.json()).toEqual({ sub: user.user.id, email: user.email, email_verified: false });
    }
    const anonymous = await call(`/api/auth/${projectId}/oauth2/userinfo`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: "invalid_token" });
  });

  it("revokes the client's own session and answers 200 for anything else", async () => {
    const { cookie } = await signedInBrowser(projectId);
    const mine = await (async () => {
      const { code, verifier } = await codeFor(projectId, publicClient, cookie);
      return (await exchange(publicClient, code!, verifier)).json<any>();
    })();
    const other = await createOAuthClient(projectId);
    expect((await form(projectId, "revoke", { token: mine.refresh_token, client_id: other.clientId })).status).toBe(200);
    expect((await form(projectId, "token", { grant_type: "refresh_token", refresh_token: mine.refresh_token, client_id: publicClient })).status).toBe(200);
    expect((await form(projectId, "revoke", { token: "rt_unknown", client_id: publicClient })).status).toBe(200);
    const again = await (async () => {
      const { code, verifier } = await codeFor(projectId, publicClient, cookie);
      return (await exchange(publicClient, code!, verifier)).json<any>();
    })();
    expect((await form(projectId, "revoke", { token: again.access_token, token_type_hint: "access_token", client_id: publicClient })).status).toBe(200);
    const info = await call(`/api/auth/${projectId}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${again.access_token}` } });
    expect(info.status).toBe(401);
  });

  it("introspection is for confidential clients and judges tokens live", async () => {
    const resourceServer = await createOAuthClient(projectId, { type: "confidential" });
    const { cookie } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    const tokens = await (await exchange(publicClient, code!, verifier)).json<any>();
    const auth = basic(resourceServer.clientId, resourceServer.secret!);
    const live = await (await form(projectId, "introspect", { token: tokens.access_token }, auth)).json<any>();
    expect(live).toMatchObject({
      active: true,
      client_id: publicClient,
      scope: "openid email profile",
      token_type: "access_token",
      aud: projectId,
      iss: issuer,
    });
    expect((await (await form(projectId, "introspect", { token: tokens.refresh_token }, auth)).json<any>()).active).toBe(true);
    expect(await (await form(projectId, "introspect", { token: "garbage" }, auth)).json()).toEqual({ active: false });
    await form(projectId, "revoke", { token: tokens.refresh_token, client_id: publicClient });
    expect(await (await form(projectId, "introspect", { token: tokens.access_token }, auth)).json()).toEqual({ active: false });
    const publicCaller = await form(projectId, "introspect", { token: tokens.access_token, client_id: publicClient });
    expect(publicCaller.status).toBe(401);
  });
});

describe("GET /oauth2/logout", () => {
  it("ends the client session and single sign-on, then returns to the registered URI with state", async () => {
    const { cookie } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    const tokens = await (await exchange(publicClient, code!, verifier)).json<any>();
    const params = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER_LOGOUT, state: "bye" });
    const response = await call(`/api/auth/${projectId}/oauth2/logout?${params}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`${AFTER_LOGOUT}?state=bye`);
    expect((await form(projectId, "token", { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: publicClient })).status).toBe(400);
    const again = await codeFor(projectId, publicClient, cookie);
    expect(`${again.location.origin}${again.location.pathname}`).toBe(`${issuer}/hosted/sign-in`);
  });

  it("refuses an unregistered post-logout URI or a forged hint, and asks before ending a session without a hint", async () => {
    const { cookie } = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, publicClient, cookie);
    const tokens = await (await exchange(publicClient, code!, verifier)).json<any>();
    const unregistered = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: "https://evil.example/" });
    expect((await call(`/api/auth/${projectId}/oauth2/logout?${unregistered}`, { redirect: "manual" })).status).toBe(400);
    expect((await call(`/api/auth/${projectId}/oauth2/logout?id_token_hint=${tokens.access_token}`, { redirect: "manual" })).status).toBe(400);
    const ask = await call(`/api/auth/${projectId}/oauth2/logout`, { headers: { Cookie: cookie } });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain(`<form method="post">`);
    expect((await codeFor(projectId, publicClient, cookie)).code).toMatch(/^ac_/);
    const crossSite = await call(`/api/auth/${projectId}/oauth2/logout`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(await crossSite.text()).toContain(`<form method="post">`);
    const confirmed = await call(`/api/auth/${projectId}/oauth2/logout`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE_URL, "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get("Set-Cookie")).toContain("Max-Age=0");
    expect((await codeFor(projectId, publicClient, cookie)).code).toBeNull();
  });
});

describe("audit", () => {
  it("records authorize, token and logout events", async () => {
    const { results } = await env.DB.prepare(`SELECT DISTINCT type FROM audit_log WHERE project_id = ? AND type LIKE 'oauth2.%'`)
      .bind(projectId)
      .all<{ type: string }>();
    expect(results.map((r) => r.type).sort()).toEqual(expect.arrayContaining(["oauth2.authorize", "oauth2.logout", "oauth2.revoke", "oauth2.token"]));
  });
});
