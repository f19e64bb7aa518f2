// POST /hosted/session (the page's hand-over of a fresh sign-in) and the consent screen.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { HOSTED_ADOPT_WINDOW_MS } from "../../src/config";
import { call, json } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { alteredToken, createProject, registerUser } from "../helpers/fixtures";
import { APP_CALLBACK, cookiesOf, handOver, insertClient, insertRequest, ORIGIN, openSignIn, setProject } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
});

const refresh = (projectId: string, refreshToken: string) =>
  call(`/api/auth/${projectId}/refresh`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refreshToken }) });

async function setup(opts: { firstParty?: boolean; scope?: string } = {}) {
  const projectId = await createProject();
  const clientId = await insertClient(projectId, { firstParty: opts.firstParty ?? true, name: "Third & Co" });
  const requestId = await insertRequest(projectId, clientId, { scope: opts.scope });
  const page = await openSignIn(projectId, requestId);
  const user = await registerUser(projectId);
  return { projectId, clientId, requestId, page, user };
}

describe("POST /hosted/session", () => {
  it("refuses a foreign or missing Origin and a missing or wrong CSRF token with 403", async () => {
    const { projectId, requestId, page, user } = await setup();
    const body = { refreshToken: user.refreshToken, request: requestId, csrfToken: page.csrfToken };
    const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
      ["foreign origin", body, { Origin: "https://evil.example", Cookie: page.cookie }],
      ["no origin", body, { Cookie: page.cookie }],
      ["no cookie", body, { Origin: ORIGIN }],
      ["wrong token", { ...body, csrfToken: alteredToken(page.csrfToken) }, { Origin: ORIGIN, Cookie: page.cookie }],
    ];
    for (const [name, b, headers] of cases) {
      const response = await handOver(projectId, b, headers);
      expect(response.status, name).toBe(403);
      expect((await json(response)).code, name).toBe("FORBIDDEN");
    }
    // Nothing was adopted: the refresh token still works.
    expect((await refresh(projectId, user.refreshToken)).status).toBe(200);
  });

  it("refuses an unknown token, a session older than the adoption window, an OAuth client's session and a revoked one", async () => {
    const clock = fakeClock();
    const { projectId, requestId, page } = await setup();
    const headers = { Origin: ORIGIN, Cookie: page.cookie };
    const hand = (refreshToken: string) => handOver(projectId, { refreshToken, request: requestId, csrfToken: page.csrfToken }, headers);

    expect((await hand("rt_unknown")).status).toBe(401);

    const stale = await registerUser(projectId);
    clock.tick(HOSTED_ADOPT_WINDOW_MS + 1000);
    const staleAnswer = await hand(stale.refreshToken);
    expect(staleAnswer.status).toBe(401);
    expect((await json(staleAnswer)).code).toBe("INVALID_TOKEN");

    const client = await registerUser(projectId);
    await env.DB.prepare(
      `UPDATE sessions SET client_id = 'cl_x' WHERE id = (SELECT session_id FROM refresh_tokens WHERE project_id = ? ORDER BY rowid DESC LIMIT 1)`,
    )
      .bind(projectId)
      .run();
    expect((await hand(client.refreshToken)).status).toBe(401);

    const revoked = await registerUser(projectId);
    await call(`/api/auth/${projectId}/logout`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken: revoked.refreshToken }),
    });
    expect((await hand(revoked.refreshToken)).status).toBe(401);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM idp_sessions WHERE project_id = ?`).bind(projectId).first("n")).toBe(0);
  });

  it("refuses a session restricted to second-factor enrollment with a clear message", async () => {
    const projectId = await createProject();
    await setProject(projectId, "mfa_policy = 'required'");
    const requestId = await insertRequest(projectId, await insertClient(projectId));
    const page = await openSignIn(projectId, requestId);
    const user = await registerUser(projectId);
    const response = await handOver(
      projectId,
      { refreshToken: user.refreshToken, request: requestId, csrfToken: page.csrfToken },
      { Origin: ORIGIN, Cookie: page.cookie },
    );
    expect(response.status).toBe(403);
    const body = await json(response);
    expect(body.code).toBe("MFA_REQUIRED");
    expect(body.error).toMatch(/second factor/);
  });

  it("adopts a fresh sign-in: sets the sign-on cookie, drops the session's refresh tokens, audits, and sends a first-party client its code", async () => {
    const { projectId, clientId, requestId, page, user } = await setup();
    const response = await handOver(
      projectId,
      { refreshToken: user.refreshToken, request: requestId, csrfToken: page.csrfToken },
      { Origin: ORIGIN, Cookie: page.cookie },
    );
    expect(response.status).toBe(200);
    const redirect = new URL((await json(response)).data.redirectTo);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(APP_CALLBACK);
    expect(redirect.searchParams.get("code")).toMatch(/^ac_/);
    expect(redirect.searchParams.get("state")).toBe("app-state");
    expect(redirect.searchParams.get("iss")).toBe(`${ORIGIN}/api/auth/${projectId}`);

    const sso = cookiesOf(response)[`__Host-edge_auth_sso_${projectId}`]!;
    expect(sso.raw).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    expect(sso.raw).toMatch(/Max-Age=\d+/);

    const refused = await refresh(projectId, user.refreshToken);
    expect(refused.status).toBe(401);

    const audit = await env.DB.prepare(`SELECT actor_id, target_id FROM audit_log WHERE project_id = ? AND type = 'hosted.sign_in'`).bind(projectId).first();
    expect(audit).toMatchObject({ actor_id: user.user.id });
    const code = await env.DB.prepare(`SELECT client_id, user_id FROM oauth2_codes WHERE project_id = ?`).bind(projectId).first();
    expect(code).toEqual({ client_id: clientId, user_id: user.user.id });

    // The request is completed: the page cannot be opened for it again.
    expect((await call(`/api/auth/${projectId}/hosted/sign-in?request=${requestId}`)).status).toBe(400);
  });

  it("sends a third-party client's request to the consent screen; Allow records consent and redirects with a code", async () => {
    const { projectId, clientId, requestId, page, user } = await setup({ firstParty: false, scope: "openid email offline_access" });
    const response = await handOver(
      projectId,
      { refreshToken: user.refreshToken, request: requestId, csrfToken: page.csrfToken },
      { Origin: ORIGIN, Cookie: page.cookie },
    );
    expect((await json(response)).data.redirectTo).toBe(`${ORIGIN}/api/auth/${projectId}/hosted/consent?request=${requestId}`);
    const sso = cookiesOf(response)[`__Host-edge_auth_sso_${projectId}`]!;
    const cookie = `${page.cookie}; __Host-edge_auth_sso_${projectId}=${sso.value}`;

    const screen = await call(`/api/auth/${projectId}/hosted/consent?request=${requestId}`, { headers: { Cookie: cookie } });
    expect(screen.status).toBe(200);
    const html = await screen.text();
    expect(html).toContain("Allow Third &amp; Co?");
    expect(html).toContain("See your email address");
    expect(html).toContain("Keep access while you are not using the app");
    expect(html).toContain(`name="csrfToken" value="${page.csrfToken}"`);
    expect(screen.headers.get("content-security-policy")).toContain("form-action 'self' https://app.example.com;");
    // Under the API's no-referrer a browser posts this form with `Origin: null`, which the form refuses (found by e2e:oidc).
    expect(screen.headers.get("referrer-policy")).toBe("same-origin");
    expect(html).toContain('<meta name="referrer" content="same-origin">');

    const decide = (decision: string, headers: Record<string, string>) =>
      call(`/api/auth/${projectId}/hosted/consent`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ request: requestId, csrfToken: page.csrfToken, decision }).toString(),
        redirect: "manual",
      });
    expect((await decide("allow", { Origin: "https://evil.example", Cookie: cookie })).status).toBe(400);
    const allowed = await decide("allow", { Origin: ORIGIN, Cookie: cookie });
    expect(allowed.status).toBe(302);
    const location = new URL(allowed.headers.get("location")!);
    expect(location.searchParams.get("code")).toMatch(/^ac_/);
    expect(location.searchParams.get("state")).toBe("app-state");
    const consent = await env.DB.prepare(`SELECT scope FROM oauth2_consents WHERE project_id = ? AND client_id = ?`).bind(projectId, clientId).first("scope");
    expect(consent).toBe("openid email offline_access");
    const audit = await env.DB.prepare(`SELECT outcome FROM audit_log WHERE project_id = ? AND type = 'oauth2.consent'`).bind(projectId).first("outcome");
    expect(audit).toBe("success");
    // A double submit finds the request completed.
    expect((await decide("allow", { Origin: ORIGIN, Cookie: cookie })).status).toBe(400);

    // The next request of the same client and scopes needs no consent.
    const next = await insertRequest(projectId, clientId, { scope: "openid email" });
    const login = await call(`/api/auth/${projectId}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const again = await handOver(
      projectId,
      { refreshToken: (await json(login)).data.refreshToken, request: next, csrfToken: page.csrfToken },
      { Origin: ORIGIN, Cookie: page.cookie },
    );
    expect(new URL((await json(again)).data.redirectTo).searchParams.get("code")).toMatch(/^ac_/);
  });

  it("Deny redirects to the client with access_denied and completes the request", async () => {
    const { projectId, requestId, page, user } = await setup({ firstParty: false });
    const response = await handOver(
      projectId,
      { refreshToken: user.refreshToken, request: requestId, csrfToken: page.csrfToken },
      { Origin: ORIGIN, Cookie: page.cookie },
    );
    const sso = cookiesOf(response)[`__Host-edge_auth_sso_${projectId}`]!;
    const cookie = `${page.cookie}; __Host-edge_auth_sso_${projectId}=${sso.value}`;
    const deny = () =>
      call(`/api/auth/${projectId}/hosted/consent`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, Cookie: cookie },
        body: new URLSearchParams({ request: requestId, csrfToken: page.csrfToken, decision: "deny" }).toString(),
        redirect: "manual",
      });
    const denied = await deny();
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("app-state");
    expect((await deny()).status).toBe(400);
  });

  it("sends the consent screen back to sign-in without a sign-on session", async () => {
    const { projectId, requestId } = await setup({ firstParty: false });
    const response = await call(`/api/auth/${projectId}/hosted/consent?request=${requestId}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${ORIGIN}/api/auth/${projectId}/hosted/sign-in?request=${requestId}`);
  });
});
