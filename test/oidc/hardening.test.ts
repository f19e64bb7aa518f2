// Findings of the OpenID Provider's security review, each pinned by a test that failed before its fix.
import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { upsertConsent } from "../../src/db/oidc.repo";
import { iso } from "../../src/lib/clock";
import { BASE_URL, call } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { createProject } from "../helpers/fixtures";
import { AFTER_LOGOUT, APP, authorize, codeFor, createOAuthClient, form, pkce, signedInBrowser } from "./support";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});
afterEach(() => vi.useRealTimers());

async function tokensFor(clientId: string, cookie: string, scope = "openid") {
  const { code, verifier } = await codeFor(projectId, clientId, cookie, { scope });
  const response = await form(projectId, "token", {
    grant_type: "authorization_code",
    code: code!,
    redirect_uri: APP,
    code_verifier: verifier,
    client_id: clientId,
  });
  expect(response.status).toBe(200);
  return response.json<any>();
}

describe("tokens issued to OAuth clients", () => {
  it("work at UserInfo but not on the JSON Auth API's account routes (a client cannot act as the user beyond its scopes)", async () => {
    const third = await createOAuthClient(projectId, { firstParty: false });
    const browser = await signedInBrowser(projectId);
    await upsertConsent(env.DB, projectId, third.clientId, browser.user.user.id, "openid", iso()).run();
    const tokens = await tokensFor(third.clientId, browser.cookie);
    const auth = { Authorization: `Bearer ${tokens.access_token}` };
    const json = { ...auth, "Content-Type": "application/json" };
    for (const [method, path, body] of [
      ["GET", "sessions", undefined],
      ["PATCH", "me", JSON.stringify({ displayName: "pwned" })],
      ["POST", "mfa/totp/enroll", "{}"],
      ["POST", "passkeys/register/options", "{}"],
    ] as const) {
      const response = await call(`/api/auth/${projectId}/${path}`, { method, headers: body ? json : auth, body });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await response.json()).toMatchObject({ code: "INVALID_TOKEN" });
    }
    expect((await call(`/api/auth/${projectId}/oauth2/userinfo`, { headers: auth })).status).toBe(200);
  });

  it("carry profile claims only as their scopes release them", async () => {
    const client = await createOAuthClient(projectId);
    const browser = await signedInBrowser(projectId);
    const narrow = decodeJwt((await tokensFor(client.clientId, browser.cookie, "openid")).access_token);
    expect(narrow).not.toHaveProperty("email");
    expect(narrow).not.toHaveProperty("app_metadata");
    const wide = decodeJwt((await tokensFor(client.clientId, browser.cookie, "openid email profile")).access_token);
    expect(wide).toMatchObject({ email: browser.user.email, email_verified: false, app_metadata: {} });
  });
});

describe("RP-initiated logout", () => {
  it("does not end the browser's own session for an id_token_hint of another user: it asks", async () => {
    const client = await createOAuthClient(projectId);
    const attacker = await signedInBrowser(projectId);
    const attackerTokens = await tokensFor(client.clientId, attacker.cookie);
    const victim = await signedInBrowser(projectId);
    const response = await call(`/api/auth/${projectId}/oauth2/logout?id_token_hint=${attackerTokens.id_token}`, {
      headers: { Cookie: victim.cookie },
      redirect: "manual",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`<form method="post">`);
    expect((await codeFor(projectId, client.clientId, victim.cookie)).code).toMatch(/^ac_/);
  });

  it("lets the confirmation form's redirect reach the registered post-logout URI (CSP form-action)", async () => {
    const client = await createOAuthClient(projectId);
    const params = new URLSearchParams({ client_id: client.clientId, post_logout_redirect_uri: AFTER_LOGOUT });
    const response = await call(`/api/auth/${projectId}/oauth2/logout?${params}`);
    expect(response.headers.get("content-security-policy")).toContain(`form-action 'self' ${new URL(AFTER_LOGOUT).origin}`);
  });
});

describe("authorization codes and single sign-on", () => {
  it("refuses a code whose sign-on session ended before the exchange", async () => {
    const client = await createOAuthClient(projectId);
    const browser = await signedInBrowser(projectId);
    const { code, verifier } = await codeFor(projectId, client.clientId, browser.cookie);
    await call(`/api/auth/${projectId}/oauth2/logout`, {
      method: "POST",
      headers: { Cookie: browser.cookie, Origin: BASE_URL, "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    const response = await form(projectId, "token", {
      grant_type: "authorization_code",
      code: code!,
      redirect_uri: APP,
      code_verifier: verifier,
      client_id: client.clientId,
    });
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("ends single sign-on at the project's absolute session lifetime (sessionMaxAge)", async () => {
    const short = await createProject();
    await env.DB.prepare(`UPDATE projects SET session_max_age = 3600 WHERE id = ?`).bind(short).run();
    const client = await createOAuthClient(short);
    const browser = await signedInBrowser(short);
    const clock = fakeClock();
    expect((await codeFor(short, client.clientId, browser.cookie)).code).toMatch(/^ac_/);
    clock.tick(3601_000);
    const { location } = await codeFor(short, client.clientId, browser.cookie);
    expect(location.pathname).toBe(`/api/auth/${short}/hosted/sign-in`);
  });

  it("accepts the authorization request as a form POST too (OpenID Connect Core §3.1.2.1)", async () => {
    const client = await createOAuthClient(projectId);
    const browser = await signedInBrowser(projectId);
    const { challenge } = pkce();
    const response = await call(`/api/auth/${projectId}/oauth2/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: browser.cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        response_type: "code",
        client_id: client.clientId,
        redirect_uri: APP,
        scope: "openid",
        state: "s",
        code_challenge: challenge,
        code_challenge_method: "S256",
      }).toString(),
    });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("Location")!).searchParams.get("code")).toMatch(/^ac_/);
  });

  it("refuses a loopback redirect URI with a fragment", async () => {
    const native = await createOAuthClient(projectId, { redirectUris: ["http://127.0.0.1/callback"] });
    const { challenge } = pkce();
    const base = { response_type: "code", client_id: native.clientId, scope: "openid", code_challenge: challenge, code_challenge_method: "S256" };
    expect((await authorize(projectId, { ...base, redirect_uri: "http://127.0.0.1:5123/callback" })).status).toBe(302);
    expect((await authorize(projectId, { ...base, redirect_uri: "http://127.0.0.1:5123/callback#x" })).status).toBe(400);
  });
});

describe("introspection", () => {
  it("lets a third-party confidential client see only its own tokens", async () => {
    const app = await createOAuthClient(projectId);
    const partner = await createOAuthClient(projectId, { type: "confidential", firstParty: false });
    const browser = await signedInBrowser(projectId);
    const tokens = await tokensFor(app.clientId, browser.cookie);
    const response = await form(projectId, "introspect", { token: tokens.refresh_token, client_id: partner.clientId, client_secret: partner.secret! });
    expect(await response.json()).toEqual({ active: false });
  });
});

describe("the hosted sign-in page", () => {
  it("shows its own words for a social sign-in error, never text from the URL", async () => {
    const client = await createOAuthClient(projectId);
    const { location } = await codeFor(projectId, client.clientId, "");
    const request = location.searchParams.get("request")!;
    const params = new URLSearchParams({ request, error: "server_error", error_description: "Call +1-555-0100 to restore your account" });
    const page = await (await call(`/api/auth/${projectId}/hosted/sign-in?${params}`)).text();
    expect(page).not.toContain("555-0100");
  });
});
