// OpenID Connect sign-in against a real, certified provider: `oidc-provider` on 127.0.0.1 and the
// Worker under `wrangler dev` (the Workers test pool cannot host a Node HTTP server, so this runs
// from Node). Every response of the Worker is checked against the committed contract.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev } from "../../scripts/lib/wrangler-dev.mjs";
import { assertContract } from "../helpers/contract";
import { startOidcProvider, type RunningProvider } from "./helpers/oidc-provider";
import { Browser } from "./helpers/oidc-provider-browser";

const PERSIST = ".wrangler/oidc-test-state";
const VARS = {
  ADMIN_EMAIL: "oidc-owner@example.com",
  ADMIN_PASSWORD: "oidc-owner-password-for-tests",
  KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64"),
};
const APP = "http://localhost:3000/auth/callback";
const CLIENT_ID = "edge-auth-e2e";
const CLIENT_SECRET = randomBytes(24).toString("base64url");
const ACCOUNTS = {
  alice: { email: "alice@example.com", email_verified: true, name: "Alice Liddell" },
  // Claims alice's address without the provider vouching for it.
  mallory: { email: "alice@example.com", email_verified: false },
  // Claims bob's address, unvouched, before bob has an account: the social sign-in takeover.
  impostor: { email: "bob@example.com", email_verified: false },
};

let server: { url: string; stop: () => Promise<void> };
let idp: RunningProvider;
let projectId: string;
let adminHeaders: Record<string, string>;

/** fetch against wrangler dev, without following redirects; the answer must match the contract. */
async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${server.url}${path}`, { ...init, redirect: "manual" });
  await assertContract(init.method ?? "GET", `${server.url}${path}`, response);
  return response;
}
const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(path, { method, headers: { "Content-Type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
const admin = (method: string, path: string, body?: unknown) => json(method, path, body, adminHeaders);

const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};
const authorizePath = (challenge: string, redirect = APP) =>
  `/api/auth/${projectId}/oauth/corp/authorize?${new URLSearchParams({ redirect_uri: redirect, code_challenge: challenge, code_challenge_method: "S256", state: "app-state" })}`;

/** authorize → the provider's pages → the URL the provider sends the browser back to (our callback, not yet visited). */
async function toCallback(login: string, opts: { browser?: Browser; tamper?: (providerUrl: URL) => void; cancel?: boolean } = {}) {
  const { verifier, challenge } = pkce();
  const authorize = await call(authorizePath(challenge));
  expect(authorize.status).toBe(302);
  const providerUrl = new URL(authorize.headers.get("location")!);
  expect(providerUrl.origin).toBe(idp.issuer);
  opts.tamper?.(providerUrl);
  const callbackUrl = await (opts.browser ?? new Browser()).signInAtProvider(providerUrl.toString(), login, server.url, { cancel: opts.cancel });
  return { verifier, callbackPath: callbackUrl.slice(server.url.length) };
}

/** Our callback's redirect to the app, as query parameters. */
async function visitCallback(callbackPath: string): Promise<URLSearchParams> {
  const response = await call(callbackPath);
  expect(response.status, await response.clone().text()).toBe(302);
  const location = new URL(response.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(APP);
  return location.searchParams;
}

const exchange = (code: string, codeVerifier: string) => json("POST", `/api/auth/${projectId}/oauth/token`, { code, codeVerifier });
const userCount = async () => ((await (await admin("GET", `/api/admin/projects/${projectId}/users`)).json()) as { data: unknown[] }).data.length;
async function lastOAuthEvent(): Promise<{ type: string; outcome: string; details: Record<string, unknown> }> {
  const response = await admin("GET", `/api/admin/logs?${new URLSearchParams({ projectId, type: "auth.oauth.*", limit: "1" })}`);
  return ((await response.json()) as { data: { type: string; outcome: string; details: Record<string, unknown> }[] }).data[0]!;
}

beforeAll(async () => {
  server = await startWranglerDev({ port: 0, persistTo: PERSIST, fresh: true, vars: VARS });
  const login = (await (await json("POST", "/api/admin/login", { email: VARS.ADMIN_EMAIL, password: VARS.ADMIN_PASSWORD })).json()) as {
    data: { sessionToken: string };
  };
  adminHeaders = { "X-Admin-Session": login.data.sessionToken };
  const project = await admin("POST", "/api/admin/projects", { name: "OIDC E2E", environment: "development" });
  expect(project.status).toBe(201);
  projectId = ((await project.json()) as { data: { id: string } }).data.id;
  expect((await admin("PATCH", `/api/admin/projects/${projectId}`, { redirectUrls: [APP] })).status).toBe(200);

  idp = await startOidcProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [`${server.url}/api/auth/${projectId}/oauth/corp/callback`],
    accounts: ACCOUNTS,
  });
  const put = await admin("PUT", `/api/admin/projects/${projectId}/oauth-providers/corp`, {
    type: "oidc",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    issuer: idp.issuer,
  });
  expect(put.status, await put.clone().text()).toBe(201);
  const provider = ((await put.json()) as { data: Record<string, unknown> }).data;
  expect(provider).toMatchObject({
    clientSecretSet: true,
    callbackUrl: `${server.url}/api/auth/${projectId}/oauth/corp/callback`,
    endpoints: { jwks: `${idp.issuer}/jwks` },
  });
  expect(JSON.stringify(provider)).not.toContain(CLIENT_SECRET);
}, 120_000);

afterAll(async () => {
  await idp?.stop();
  await server?.stop();
});

describe("OIDC sign-in with oidc-provider (wrangler dev)", () => {
  let alice: { id: string; refreshToken: string };

  it("walks authorize → provider login and consent → callback → token → /me", async () => {
    const browser = new Browser();
    const { verifier, callbackPath } = await toCallback("alice", { browser });
    expect(callbackPath).toMatch(/^\/api\/auth\/.+\/oauth\/corp\/callback\?code=.+&state=.+&iss=/);
    const params = await visitCallback(callbackPath);
    expect(params.get("state")).toBe("app-state");
    const code = params.get("code")!;
    expect(code).toMatch(/^oc_/);

    const token = await exchange(code, verifier);
    expect(token.status).toBe(200);
    const result = (
      (await token.json()) as {
        data: { accessToken: string; refreshToken: string; user: { id: string; email: string; displayName: string; emailVerified: boolean } };
      }
    ).data;
    expect(result.user).toMatchObject({ email: "alice@example.com", displayName: "Alice Liddell", emailVerified: true });
    const me = await call(`/api/auth/${projectId}/me`, { headers: { Authorization: `Bearer ${result.accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { id: string } }).data.id).toBe(result.user.id);
    alice = { id: result.user.id, refreshToken: result.refreshToken };

    // Signed in at the provider already: the next sign-in needs no forms and finds the same user by subject.
    const again = await toCallback("alice", { browser });
    const second = await exchange((await visitCallback(again.callbackPath)).get("code")!, again.verifier);
    expect(((await second.json()) as { data: { user: { id: string } } }).data.user.id).toBe(alice.id);
    expect(await userCount()).toBe(1);
    expect(await lastOAuthEvent()).toMatchObject({ type: "auth.oauth.token", outcome: "success" });
  }, 30_000);

  it("refuses a replayed code with 400 INVALID_GRANT and ends the session it started; a replayed callback gets error=invalid_request", async () => {
    const { verifier, callbackPath } = await toCallback("alice");
    const code = (await visitCallback(callbackPath)).get("code")!;
    const first = ((await (await exchange(code, verifier)).json()) as { data: { refreshToken: string } }).data;
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: "INVALID_GRANT" });
    expect((await json("POST", `/api/auth/${projectId}/refresh`, { refreshToken: first.refreshToken })).status).toBe(401);
    expect((await visitCallback(callbackPath)).get("error")).toBe("invalid_request");
  }, 30_000);

  it("burns the code on a wrong verifier", async () => {
    const { verifier, callbackPath } = await toCallback("alice");
    const code = (await visitCallback(callbackPath)).get("code")!;
    expect((await exchange(code, pkce().verifier)).status).toBe(400);
    expect((await exchange(code, verifier)).status).toBe(400);
  }, 30_000);

  it("answers 400 JSON for a forged state, and error=invalid_grant when a code is replayed under another sign-in's state (PKCE at the provider)", async () => {
    const { callbackPath } = await toCallback("alice");
    const forged = callbackPath.replace(/state=[^&]+/, "state=st_forged");
    const response = await call(forged);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });

    const other = await toCallback("alice");
    const otherState = new URL(other.callbackPath, server.url).searchParams.get("state")!;
    const injected = callbackPath.replace(/state=[^&]+/, `state=${encodeURIComponent(otherState)}`);
    expect((await visitCallback(injected)).get("error")).toBe("invalid_grant");
    expect(idp.errors.some((e) => e.includes("grant.error"))).toBe(true);
  }, 30_000);

  it("rejects an ID token carrying another nonce (error=invalid_id_token), writing no code", async () => {
    const { callbackPath } = await toCallback("alice", { tamper: (url) => url.searchParams.set("nonce", "n_injected-by-an-attacker") });
    const params = await visitCallback(callbackPath);
    expect(params.get("error")).toBe("invalid_id_token");
    expect(params.get("code")).toBeNull();
    expect(await lastOAuthEvent()).toMatchObject({ type: "auth.oauth.callback", outcome: "failure", details: { reason: "nonce_mismatch" } });
  }, 30_000);

  it("answers 400 JSON for a redirect_uri not on the allow-list", async () => {
    const response = await call(authorizePath(pkce().challenge, "http://localhost:3000/elsewhere"));
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it("does not link a provider account whose email the provider does not verify (error=account_exists_unverified)", async () => {
    const params = await visitCallback((await toCallback("mallory")).callbackPath);
    expect(params.get("error")).toBe("account_exists_unverified");
    expect(await userCount()).toBe(1);
  }, 30_000);

  it("creates no account from an email the provider does not vouch for, so the owner's later reset hands the impostor nothing (error=email_not_verified)", async () => {
    const users = await userCount();
    const first = await visitCallback((await toCallback("impostor")).callbackPath);
    expect(first.get("error")).toBe("email_not_verified");
    expect(first.get("code")).toBeNull();
    expect(await userCount()).toBe(users);
    expect(await lastOAuthEvent()).toMatchObject({ type: "auth.oauth.callback", outcome: "failure", details: { reason: "provider_email_unverified" } });

    // bob signs up and proves his mailbox with a reset link, as he would if he saw the account was his.
    expect((await json("POST", `/api/auth/${projectId}/register`, { email: "bob@example.com", password: "bobs-first-passphrase" })).status).toBe(201);
    expect((await json("POST", `/api/auth/${projectId}/password/forgot`, { email: "bob@example.com", redirectUrl: APP })).status).toBe(200);
    const outbox = (await (await admin("GET", `/api/admin/projects/${projectId}/outbox?${new URLSearchParams({ to: "bob@example.com" })}`)).json()) as {
      data: { text: string }[];
    };
    const token = new URL(/https?:\/\/\S+[?&]token=\S+/.exec(outbox.data[0]!.text)![0]).searchParams.get("token")!;
    expect((await json("POST", `/api/auth/${projectId}/password/reset`, { token, password: "bobs-new-passphrase" })).status).toBe(200);

    const again = await visitCallback((await toCallback("impostor")).callbackPath);
    expect(again.get("error")).toBe("account_exists_unverified");
    expect(again.get("code")).toBeNull();
    expect((await json("POST", `/api/auth/${projectId}/login`, { email: "bob@example.com", password: "bobs-new-passphrase" })).status).toBe(200);
  }, 60_000);

  it("passes the user's refusal at the provider on as error=access_denied", async () => {
    const params = await visitCallback((await toCallback("alice", { cancel: true })).callbackPath);
    expect(params.get("error")).toBe("access_denied");
  }, 30_000);

  it("with the provider down: the callback answers error=temporarily_unavailable and writes nothing; PUT answers 502", async () => {
    const { callbackPath } = await toCallback("alice");
    const users = await userCount();
    await idp.stop();
    const params = await visitCallback(callbackPath);
    expect(params.get("error")).toBe("temporarily_unavailable");
    expect(params.get("error_description")).toContain("unreachable");
    expect(await userCount()).toBe(users);
    expect(await lastOAuthEvent()).toMatchObject({ type: "auth.oauth.callback", outcome: "failure", details: { reason: "provider_unavailable" } });
    // Authorize reads stored endpoints and does not call the provider: the browser meets the outage there.
    expect((await call(authorizePath(pkce().challenge))).status).toBe(302);
    const put = await admin("PUT", `/api/admin/projects/${projectId}/oauth-providers/corp`, { type: "oidc", clientId: CLIENT_ID, issuer: idp.issuer });
    expect(put.status).toBe(502);
    expect(await put.json()).toMatchObject({ code: "UPSTREAM_ERROR" });
  }, 30_000);
});
