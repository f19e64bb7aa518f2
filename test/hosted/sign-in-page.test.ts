// The hosted sign-in page: what it renders (only the project's methods, escaped branding, strict
// CSP), its start-again page, its static files, and the page as a return address of email links.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { HOSTED_SCRIPT_PATH } from "../../src/modules/hosted/hosted.script";
import { OIDC_REQUEST_TTL_MS } from "../../src/config";
import { call } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { createProject } from "../helpers/fixtures";
import { cookiesOf, insertClient, insertRequest, ORIGIN, pageData, setProject, signInPath } from "./helpers";
import { vi } from "vitest";

afterEach(() => {
  vi.useRealTimers();
});

async function page(projectId: string, requestId: string) {
  const response = await call(signInPath(projectId, requestId));
  return { response, text: await response.text() };
}

describe("GET /hosted/sign-in", () => {
  it("offers only password (with reset) when the project enables nothing else", async () => {
    const projectId = await createProject();
    await setProject(projectId, "allow_sign_up = 0, passwordless = 0, webauthn = NULL");
    const requestId = await insertRequest(projectId, await insertClient(projectId));
    const { response, text } = await page(projectId, requestId);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(text).toContain('<html lang="en">');
    expect(text).toContain('id="password-form"');
    expect(text).toContain('id="forgot-form"');
    expect(text).toContain('role="alert"');
    expect(text).not.toContain('id="register-form"');
    expect(text).not.toContain('id="code-start-form"');
    expect(text).not.toContain('id="passkey-button"');
    expect(text).not.toContain("data-provider=");
    expect(text).toContain(`<script src="${HOSTED_SCRIPT_PATH}" defer></script>`);
  });

  it("offers sign-up, email codes, passkeys (for the issuer's origin) and enabled providers when the project has them", async () => {
    const projectId = await createProject();
    await setProject(projectId, "allow_sign_up = 1, passwordless = 1, webauthn = ?", JSON.stringify({ rpId: "auth.test", rpName: "Test", origins: [ORIGIN] }));
    const at = new Date().toISOString();
    for (const [slug, enabled] of [
      ["corp", 1],
      ["off", 0],
    ] as const) {
      await env.DB.prepare(
        `INSERT INTO oauth_providers (project_id, slug, type, client_id, issuer, authorization_url, token_url, token_auth_method, scopes, enabled, created_at, updated_at)
         VALUES (?, ?, 'oidc', 'cid', 'https://idp.example', 'https://idp.example/auth', 'https://idp.example/token', 'none', '["openid"]', ?, ?, ?)`,
      )
        .bind(projectId, slug, enabled, at, at)
        .run();
    }
    const requestId = await insertRequest(projectId, await insertClient(projectId));
    const { text } = await page(projectId, requestId);
    expect(text).toContain('id="register-form"');
    expect(text).toContain('id="code-start-form"');
    expect(text).toContain('id="passkey-button"');
    expect(text).toContain('data-provider="corp"');
    expect(text).not.toContain('data-provider="off"');

    // Passkeys whose origins do not include the issuer's cannot work on this page: not offered.
    await setProject(projectId, "webauthn = ?", JSON.stringify({ rpId: "app.example.com", rpName: "Test", origins: ["https://app.example.com"] }));
    expect((await page(projectId, requestId)).text).not.toContain('id="passkey-button"');
  });

  it("escapes the project's name, branding, client name and login hint, and sends a strict CSP with the accent colour's nonce", async () => {
    const projectId = await createProject();
    await setProject(
      projectId,
      "name = ?, branding = ?",
      "<script>alert(1)</script>",
      JSON.stringify({ logoUrl: 'https://cdn.example/logo.png"><script>alert(2)</script>', accentColor: "#ff0066" }),
    );
    const clientId = await insertClient(projectId, { name: "</script><script>alert(3)</script>" });
    const requestId = await insertRequest(projectId, clientId, { loginHint: '"><script>alert(4)</script>@example.com' });
    const { response, text } = await page(projectId, requestId);
    expect(text).not.toMatch(/<script>alert/);
    expect(text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(text).toContain('src="https://cdn.example/logo.png&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(text).toContain('value="&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;@example.com"');
    const csp = response.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(text).toContain(`<style nonce="${nonce}">:root { --accent: #ff0066; }</style>`);
    expect(csp).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self' 'nonce-${nonce}'; img-src 'self' https:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    // The script's data: the hint and names cannot close the block either.
    expect(pageData(text).request).toBe(requestId);
  });

  it("sets the CSRF cookie (__Host-, Secure, HttpOnly, SameSite=Lax on a non-loopback host) and keeps it across loads", async () => {
    const projectId = await createProject();
    const requestId = await insertRequest(projectId, await insertClient(projectId));
    const { response, text } = await page(projectId, requestId);
    const cookie = cookiesOf(response)[`__Host-edge_auth_csrf_${projectId}`]!;
    expect(cookie.raw).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    expect(pageData(text).csrfToken).toBe(cookie.value);
    const again = await call(signInPath(projectId, requestId), { headers: { Cookie: `__Host-edge_auth_csrf_${projectId}=${cookie.value}` } });
    expect(pageData(await again.text()).csrfToken).toBe(cookie.value);
  });

  it("answers a 400 page for an unknown, expired or completed request, and for a missing one", async () => {
    const projectId = await createProject();
    const clientId = await insertClient(projectId);
    const clock = fakeClock();
    const expired = await insertRequest(projectId, clientId);
    const completed = await insertRequest(projectId, clientId);
    await env.DB.prepare(`UPDATE oauth2_requests SET completed_at = ? WHERE id = ?`).bind(new Date().toISOString(), completed).run();
    clock.tick(OIDC_REQUEST_TTL_MS + 1000);
    for (const path of [
      signInPath(projectId, "azr_unknown"),
      signInPath(projectId, expired),
      signInPath(projectId, completed),
      `/api/auth/${projectId}/hosted/sign-in`,
    ]) {
      const response = await call(path);
      expect(response.status, path).toBe(400);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(await response.text()).toContain("Go back to the app and start signing in again");
    }
    // Another project's request is unknown here.
    const other = await createProject();
    const foreign = await insertRequest(other, await insertClient(other));
    expect((await call(signInPath(projectId, foreign))).status).toBe(400);
  });

  it("accepts a social sign-in's return (request id in state) and shows its error", async () => {
    const projectId = await createProject();
    const requestId = await insertRequest(projectId, await insertClient(projectId));
    const response = await call(`/api/auth/${projectId}/hosted/sign-in?state=${requestId}&error=access_denied&error_description=x`);
    expect(response.status).toBe(200);
    const data = pageData(await response.text());
    expect(data.request).toBe(requestId);
    expect(data.error).toBe("Sign-in was cancelled.");
  });
});

describe("the hosted page as a return address", () => {
  it("lets password reset and email codes link back to the hosted page of the project only", async () => {
    const projectId = await createProject();
    await setProject(projectId, "passwordless = 1");
    const requestId = await insertRequest(projectId, await insertClient(projectId));
    const base = `${ORIGIN}/api/auth/${projectId}/hosted/sign-in`;
    const post = (path: string, redirectUrl: string) =>
      call(`/api/auth/${projectId}/${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: "someone@example.com", redirectUrl }),
      });
    for (const path of ["password/forgot", "passwordless/start"]) {
      expect((await post(path, `${base}?request=${requestId}`)).status, path).toBe(200);
      expect((await post(path, base)).status, path).toBe(200);
      expect((await post(path, `${base}?request=${requestId}&next=https://evil.example`)).status, path).toBe(400);
      expect((await post(path, `${ORIGIN}/api/auth/other_project/hosted/sign-in`)).status, path).toBe(400);
    }
  });

  it("lets a social sign-in start with the hosted page as redirect_uri", async () => {
    const projectId = await createProject();
    const query = (redirect: string) =>
      new URLSearchParams({ redirect_uri: redirect, code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", state: "azr_x" });
    // No provider "corp" here: the redirect URI passes, then the provider is unknown (404), not a 400 for the URI.
    expect((await call(`/api/auth/${projectId}/oauth/corp/authorize?${query(`${ORIGIN}/api/auth/${projectId}/hosted/sign-in`)}`)).status).toBe(404);
    expect((await call(`/api/auth/${projectId}/oauth/corp/authorize?${query(`${ORIGIN}/api/auth/${projectId}/hosted/sign-in?x=1`)}`)).status).toBe(400);
  });
});

describe("GET /hosted/assets/{file}", () => {
  it("serves the script for a year under its content-hashed name, and nothing else", async () => {
    const response = await call(HOSTED_SCRIPT_PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/javascript");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await response.text()).toContain("/hosted/session");
    expect((await call("/hosted/assets/hosted-00000000.js")).status).toBe(404);
  });
});
