// `npm run e2e:oidc`: each project as a standard OpenID Provider, driven by a certified relying party.
// `openid-client` (panva) in Node discovers the issuer, builds authorization URLs with PKCE, exchanges
// codes, validates ID tokens, calls UserInfo, refreshes, introspects, revokes and logs out, while
// Debian's Chromium (playwright-core) signs in on the hosted page of `wrangler dev` (127.0.0.1:8794).
// A passkey signs in there too (a CDP virtual authenticator, origin http://localhost). The apps' redirect
// URIs are a small HTTP server on 127.0.0.1 (loopback redirect URIs, as native and local apps use them;
// the SPA registers its URI without a port, RFC 8252 §7.3), and no request may leave the machine.
// Ports: E2E_PORT (8794) for the Worker, a free one for the apps. CHROMIUM_PATH overrides /usr/bin/chromium.
import { createServer } from "node:http";
import * as oidc from "openid-client";
import { Secret, TOTP } from "otpauth";
import { addVirtualAuthenticator, launchChromium } from "./lib/chromium.mjs";
import { envelopeCall as api } from "./lib/envelope-api.mjs";
import { freePort, generateDevVars, startWranglerDev } from "./lib/wrangler-dev.mjs";

const API_PORT = Number(process.env.E2E_PORT ?? 8794);
const APP_PORT = await freePort();
const APP = `http://127.0.0.1:${APP_PORT}`;
const SPA_CALLBACK = `${APP}/spa/callback`;
const SPA_REGISTERED = "http://127.0.0.1/spa/callback";
const SERVER_CALLBACK = `${APP}/server/callback`;
const PARTNER_CALLBACK = `${APP}/partner/callback`;
const AFTER_LOGOUT = `${APP}/spa/signed-out`;
const PASSWORD = "a long user passphrase for the relying party";
const insecure = { execute: [oidc.allowInsecureRequests] };

/** The apps' side: every callback is answered with a small page (the browser's URL tells where it landed). */
function startApps() {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>app</title><p>back at the app</p>");
  });
  return new Promise((resolve) => server.listen(APP_PORT, "127.0.0.1", () => resolve(server)));
}

const check = (condition, message) => {
  if (!condition) throw new Error(message);
  console.log(`  ok   ${message}`);
};

async function rejects(promise, expected, message) {
  try {
    await promise;
  } catch (err) {
    const code = err?.error ?? err?.code ?? err?.cause?.error;
    check(code === expected, `${message} (${code})`);
    return;
  }
  throw new Error(`${message}: it succeeded`);
}

/** A project with a user, a public SPA client and a confidential server client (Admin API), plus a client of another project. */
async function setUp(baseUrl, vars) {
  const { sessionToken: session } = await api(baseUrl, "/api/admin/login", { body: { email: vars.ADMIN_EMAIL, password: vars.ADMIN_PASSWORD } });
  const project = await api(baseUrl, "/api/admin/projects", { body: { name: "OIDC e2e", environment: "development" }, session });
  const other = await api(baseUrl, "/api/admin/projects", { body: { name: "OIDC e2e other", environment: "development" }, session });
  const clients = `/api/admin/projects/${project.id}/oauth-clients`;
  const spa = await api(baseUrl, clients, {
    body: { name: "SPA", type: "public", firstParty: true, redirectUris: [SPA_REGISTERED], postLogoutRedirectUris: [AFTER_LOGOUT] },
    session,
  });
  const server = await api(baseUrl, clients, {
    body: { name: "Server app", type: "confidential", firstParty: true, redirectUris: [SERVER_CALLBACK] },
    session,
  });
  const foreign = await api(baseUrl, `/api/admin/projects/${other.id}/oauth-clients`, {
    body: { name: "Foreign", type: "public", redirectUris: [SPA_CALLBACK] },
    session,
  });
  const partner = await api(baseUrl, clients, {
    body: { name: "Partner <app>", type: "public", firstParty: false, redirectUris: [PARTNER_CALLBACK] },
    session,
  });
  const email = `rp-${Date.now()}@example.com`;
  await api(baseUrl, `/api/auth/${project.id}/register`, { body: { email, password: PASSWORD, displayName: "Ada Lovelace" } });
  // A second user with TOTP, enrolled through the JSON API (codes from otpauth).
  const mfaEmail = `rp-mfa-${Date.now()}@example.com`;
  const { accessToken } = await api(baseUrl, `/api/auth/${project.id}/register`, { body: { email: mfaEmail, password: PASSWORD } });
  const bearer = { Authorization: `Bearer ${accessToken}` };
  const enrolled = await api(baseUrl, `/api/auth/${project.id}/mfa/totp/enroll`, { body: {}, headers: bearer });
  const totp = new TOTP({ secret: Secret.fromBase32(enrolled.secret) });
  await api(baseUrl, `/api/auth/${project.id}/mfa/totp/confirm`, { body: { code: totp.generate() }, headers: bearer });
  return { project, spa, server, partner, foreign, email, mfa: { email: mfaEmail, totp } };
}

/** A browser tab; anything off 127.0.0.1 is aborted and recorded. `arrive` follows a URL until it lands at the apps. */
async function openTab(context) {
  const page = await context.newPage();
  const escaped = [];
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || url.hostname === "localhost") return route.continue();
    escaped.push(url.href);
    return route.abort();
  });
  const atApps = (u) => u.port === String(APP_PORT);
  const arrive = async (href) => {
    await page.goto(href);
    await page.waitForURL(atApps, { timeout: 15_000 });
    return new URL(page.url());
  };
  return { page, arrive, atApps, escaped };
}

/** An authorization request as the library builds it: PKCE S256, state and nonce. */
async function authorization(config, redirectUri, extra = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile offline_access",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
}

async function run(baseUrl, vars) {
  const { project, spa, server, partner, foreign, email, mfa } = await setUp(baseUrl, vars);
  const issuer = new URL(`${baseUrl}/api/auth/${project.id}`);
  const spaConfig = await oidc.discovery(issuer, spa.clientId, undefined, oidc.None(), insecure);
  const serverConfig = await oidc.discovery(issuer, server.clientId, undefined, oidc.ClientSecretBasic(server.clientSecret), insecure);
  const meta = spaConfig.serverMetadata();
  check(
    meta.issuer === issuer.href && meta.authorization_endpoint && meta.token_endpoint && meta.end_session_endpoint,
    "openid-client discovers the issuer and its endpoints",
  );

  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const tab = await openTab(context);

    // 1. The SPA (public client + PKCE) signs in with a password on the hosted page.
    const first = await authorization(spaConfig, SPA_CALLBACK, { login_hint: email });
    await tab.page.goto(first.url.href);
    check((await tab.page.inputValue("#email")) === email, "the hosted page opens with login_hint in the email field");
    await tab.page.fill("#password", PASSWORD);
    await tab.page.click("#password-form button[type=submit]");
    await tab.page.waitForURL(tab.atApps, { timeout: 15_000 });
    const callback = new URL(tab.page.url());
    check(callback.searchParams.get("iss") === issuer.href, "the code comes back with iss (RFC 9207)");
    const tokens = await oidc.authorizationCodeGrant(spaConfig, callback, first.checks);
    const claims = tokens.claims();
    check(
      claims.email === email && claims.name === "Ada Lovelace" && claims.amr?.includes("pwd"),
      "openid-client validates the ID token (signature, iss, aud, nonce, at_hash) and reads its claims",
    );
    const info = await oidc.fetchUserInfo(spaConfig, tokens.access_token, claims.sub);
    check(info.sub === claims.sub && info.email === email && info.email_verified === false, "UserInfo answers the signed-in user");
    await rejects(oidc.authorizationCodeGrant(spaConfig, callback, first.checks), "invalid_grant", "a replayed code is refused");
    await rejects(oidc.refreshTokenGrant(spaConfig, tokens.refresh_token), "invalid_grant", "the replay ended the session its code had started");

    // 2. Signed in again (single sign-on, no password): refresh rotates; the confidential server app introspects.
    const again = await authorization(spaConfig, SPA_CALLBACK);
    const fresh = await oidc.authorizationCodeGrant(spaConfig, await tab.arrive(again.url.href), again.checks);
    const refreshed = await oidc.refreshTokenGrant(spaConfig, fresh.refresh_token);
    check(refreshed.refresh_token && refreshed.refresh_token !== fresh.refresh_token, "refresh rotates the refresh token");
    const live = await oidc.tokenIntrospection(serverConfig, refreshed.access_token);
    check(live.active === true && live.client_id === spa.clientId && live.sub === claims.sub, "a confidential client introspects a live access token");

    // 3. Single sign-on: the server app (client_secret_basic) signs in without a password; prompt=none too.
    const second = await authorization(serverConfig, SERVER_CALLBACK);
    const arrived = await tab.arrive(second.url.href);
    const serverTokens = await oidc.authorizationCodeGrant(serverConfig, arrived, second.checks);
    check(serverTokens.claims().sub === claims.sub, "a second app signs in through the same browser session without a password (client_secret_basic)");
    const silent = await authorization(spaConfig, SPA_CALLBACK, { prompt: "none" });
    const silentTokens = await oidc.authorizationCodeGrant(spaConfig, await tab.arrive(silent.url.href), silent.checks);
    check(silentTokens.claims().sub === claims.sub, "prompt=none with a session signs in silently");

    // 3b. A third-party app asks for consent first: the page names it and the scopes; Allow sends the code.
    const partnerConfig = await oidc.discovery(issuer, partner.clientId, undefined, oidc.None(), insecure);
    const asked = await authorization(partnerConfig, PARTNER_CALLBACK, { scope: "openid email" });
    await tab.page.goto(asked.url.href);
    check(
      new URL(tab.page.url()).pathname.endsWith("/hosted/consent") && (await tab.page.textContent("h1")).includes("Partner <app>"),
      "a third-party app gets the consent screen (its name escaped)",
    );
    await tab.page.click("button[value=allow]");
    await tab.page.waitForURL(tab.atApps, { timeout: 15_000 }).catch(async (err) => {
      throw new Error(`${err.message}\n  at ${tab.page.url()}: ${(await tab.page.textContent("body"))?.trim().slice(0, 300)}`);
    });
    const partnerTokens = await oidc.authorizationCodeGrant(partnerConfig, new URL(tab.page.url()), asked.checks);
    check(
      partnerTokens.claims().email === email && partnerTokens.claims().name === undefined,
      "after Allow the third-party app gets a code, and only the claims of its scopes",
    );
    const remembered = await authorization(partnerConfig, PARTNER_CALLBACK, { scope: "openid email" });
    check((await tab.arrive(remembered.url.href)).searchParams.has("code"), "consent is remembered for the same scopes");

    // 4. Wrong verifier, mismatched redirect URI, a foreign client.
    const wrong = await authorization(spaConfig, SPA_CALLBACK);
    const wrongArrival = await tab.arrive(wrong.url.href);
    await rejects(
      oidc.authorizationCodeGrant(spaConfig, wrongArrival, { ...wrong.checks, pkceCodeVerifier: oidc.randomPKCECodeVerifier() }),
      "invalid_grant",
      "a wrong PKCE verifier is refused",
    );
    const mismatched = await authorization(spaConfig, `${APP}/spa/elsewhere`);
    const page = await tab.page.goto(mismatched.url.href);
    check(page.status() === 400 && new URL(tab.page.url()).port === String(API_PORT), "an unregistered redirect URI gets an error page, no redirect");
    const foreignConfig = await oidc.discovery(issuer, foreign.clientId, undefined, oidc.None(), insecure);
    const foreignPage = await tab.page.goto((await authorization(foreignConfig, SPA_CALLBACK)).url.href);
    check(foreignPage.status() === 400, "a client of another project is unknown here");

    // 5. Revocation ends the session: its refresh token stops working.
    await oidc.tokenRevocation(spaConfig, refreshed.refresh_token);
    await rejects(oidc.refreshTokenGrant(spaConfig, refreshed.refresh_token), "invalid_grant", "a revoked refresh token is refused");

    // 6. RP-initiated logout ends single sign-on; prompt=none then answers login_required.
    const logoutUrl = oidc.buildEndSessionUrl(spaConfig, { id_token_hint: silentTokens.id_token, post_logout_redirect_uri: AFTER_LOGOUT, state: "bye" });
    const signedOut = await tab.arrive(logoutUrl.href);
    check(
      signedOut.pathname === "/spa/signed-out" && signedOut.searchParams.get("state") === "bye",
      "logout returns to the registered post-logout URI with state",
    );
    await rejects(
      oidc.refreshTokenGrant(serverConfig, serverTokens.refresh_token),
      "invalid_grant",
      "logout ended the other app's session from the same sign-on",
    );
    const after = await authorization(spaConfig, SPA_CALLBACK, { prompt: "none" });
    await rejects(
      oidc.authorizationCodeGrant(spaConfig, await tab.arrive(after.url.href), after.checks),
      "login_required",
      "after logout, prompt=none answers login_required",
    );

    // 6b. A user with TOTP answers the second step on the hosted page; the ID token says so (amr).
    const mfaTab = await openTab(await browser.newContext());
    const withMfa = await authorization(spaConfig, SPA_CALLBACK, { login_hint: mfa.email });
    await mfaTab.page.goto(withMfa.url.href);
    await mfaTab.page.fill("#password", PASSWORD);
    await mfaTab.page.click("#password-form button[type=submit]");
    await mfaTab.page.waitForSelector("#mfa-code", { state: "visible" });
    // The next time step: enrolment's confirmation spent the current one (each step works once).
    await mfaTab.page.fill("#mfa-code", mfa.totp.generate({ timestamp: Date.now() + 30_000 }));
    await mfaTab.page.click("#mfa-form button[type=submit]");
    await mfaTab.page.waitForURL(mfaTab.atApps, { timeout: 15_000 }).catch(async (err) => {
      throw new Error(`${err.message}\n  at ${mfaTab.page.url()}: ${(await mfaTab.page.textContent("#status"))?.trim().slice(0, 300)}`);
    });
    const mfaTokens = await oidc.authorizationCodeGrant(spaConfig, new URL(mfaTab.page.url()), withMfa.checks);
    check(
      ["pwd", "otp"].every((m) => mfaTokens.claims().amr?.includes(m)),
      "the hosted page's second step (TOTP) signs in, and the ID token's amr says pwd + otp",
    );

    // 7. A fresh browser without a session: prompt=none answers login_required at once.
    const coldTab = await openTab(await browser.newContext());
    const cold = await authorization(spaConfig, SPA_CALLBACK, { prompt: "none" });
    await rejects(
      oidc.authorizationCodeGrant(spaConfig, await coldTab.arrive(cold.url.href), cold.checks),
      "login_required",
      "prompt=none without a session answers login_required",
    );
    // 8. Passkeys on the hosted page: a project whose WebAuthn origins list the issuer's (http://localhost:<port>,
    // rpId localhost), a passkey registered through the JSON API, then discoverable sign-in on the page.
    const passkeyTab = await passkeySignIn(baseUrl, vars, browser);
    const escaped = [...tab.escaped, ...mfaTab.escaped, ...coldTab.escaped, ...passkeyTab.escaped];
    check(escaped.length === 0, `no request left the machine (127.0.0.1, localhost): ${escaped.join(", ") || "none"}`);
  } finally {
    await browser.close();
  }
}

/** Signs in with a passkey on the hosted page (a CDP virtual authenticator); the ID token's amr must say webauthn. */
async function passkeySignIn(baseUrl, vars, browser) {
  const localBase = baseUrl.replace("127.0.0.1", "localhost");
  const { sessionToken: session } = await api(baseUrl, "/api/admin/login", { body: { email: vars.ADMIN_EMAIL, password: vars.ADMIN_PASSWORD } });
  const project = await api(baseUrl, "/api/admin/projects", { body: { name: "OIDC passkeys", environment: "development" }, session });
  const webauthn = { rpId: "localhost", rpName: "OIDC passkeys", origins: [localBase] };
  await api(baseUrl, `/api/admin/projects/${project.id}`, { method: "PATCH", body: { webauthn }, session });
  const spa = await api(baseUrl, `/api/admin/projects/${project.id}/oauth-clients`, {
    body: { name: "SPA", type: "public", firstParty: true, redirectUris: [SPA_REGISTERED] },
    session,
  });
  // Through the localhost origin, so the token's issuer is the one this project's pages use (PUBLIC_URL is unset locally).
  const user = await api(localBase, `/api/auth/${project.id}/register`, { body: { email: `rp-passkey-${Date.now()}@example.com`, password: PASSWORD } });

  const context = await browser.newContext();
  const tab = await openTab(context);
  const authenticator = await addVirtualAuthenticator(context, tab.page);
  // Registration is an app's job (JSON API, bearer token), done here from a page of the allowed origin.
  await tab.page.goto(`${localBase}/health`);
  const registered = await tab.page.evaluate(
    async ({ issuer, token }) => {
      const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
      const started = await (await fetch(`${issuer}/passkeys/register/options`, { method: "POST", headers, body: "{}" })).json();
      if (!started.success) return `options: ${JSON.stringify(started)}`;
      const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(started.data) });
      const verified = await fetch(`${issuer}/passkeys/register/verify`, {
        method: "POST",
        headers,
        body: JSON.stringify({ response: credential.toJSON(), name: "e2e" }),
      });
      return verified.status;
    },
    { issuer: `${localBase}/api/auth/${project.id}`, token: user.accessToken },
  );
  check(registered === 201 || registered === 200, `a passkey is registered for the hosted page's origin (${registered})`);

  const config = await oidc.discovery(new URL(`${localBase}/api/auth/${project.id}`), spa.clientId, undefined, oidc.None(), insecure);
  const request = await authorization(config, SPA_CALLBACK);
  await tab.page.goto(request.url.href);
  await tab.page.click("#passkey-button");
  await tab.page.waitForURL(tab.atApps, { timeout: 15_000 });
  const tokens = await oidc.authorizationCodeGrant(config, new URL(tab.page.url()), request.checks);
  check(
    tokens.claims().amr?.includes("webauthn") && tokens.claims().sub === user.user.id,
    "a passkey signs in on the hosted page (discoverable), and the ID token's amr says webauthn",
  );
  const credentials = await authenticator.credentials();
  check(credentials.length === 1 && credentials[0].rpId === "localhost", "the virtual authenticator holds the passkey for rpId localhost");
  return tab;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const vars = generateDevVars();
  const apps = await startApps();
  let server;
  try {
    server = await startWranglerDev({ port: API_PORT, persistTo: ".wrangler/oidc-e2e-state", fresh: true, vars });
    console.log(`wrangler dev: ${server.url}`);
    await run(server.url, vars);
  } catch (err) {
    console.error(`e2e:oidc failed: ${err.stack ?? err.message}`);
    if (server) console.error(`last wrangler output:\n${server.output()}`);
    process.exitCode = 1;
  } finally {
    await server?.stop();
    apps.close();
  }
  if (!process.exitCode) console.log("e2e:oidc passed");
}
