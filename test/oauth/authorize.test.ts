import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { OAuthStateRow } from "../../src/db/oauth.repo";
import { call } from "../helpers/client";
import { APP_REDIRECT, CLIENT_ID, StubProvider, authorize, installFetchStub, newVerifier, projectWithProvider, s256 } from "./stub-provider";

let stub: StubProvider;
let projectId: string;
let owner: Awaited<ReturnType<typeof projectWithProvider>>["owner"];
beforeAll(async () => {
  installFetchStub();
  stub = new StubProvider();
  ({ projectId, owner } = await projectWithProvider(stub));
});

const authorizeWith = (params: Record<string, string>, slug = "corp", project = projectId) =>
  call(`/api/auth/${project}/oauth/${slug}/authorize?${new URLSearchParams(params)}`, { redirect: "manual" });

describe("GET /api/auth/:projectId/oauth/:provider/authorize", () => {
  it("redirects to the provider with our state, nonce and PKCE S256, and stores only hashes and a sealed verifier", async () => {
    const { response, verifier } = await authorize(stub, projectId, { state: "my-app-state" });
    expect(response.status).toBe(302);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${stub.issuer}/authorize`);
    const p = location.searchParams;
    expect(Object.fromEntries(p)).toMatchObject({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: `http://auth.test/api/auth/${projectId}/oauth/corp/callback`,
      scope: "openid email profile",
      code_challenge_method: "S256",
    });
    expect(p.get("state")).toMatch(/^st_[\w-]{43}$/);
    expect(p.get("nonce")).toMatch(/^n_[\w-]{43}$/);
    // Our challenge towards the provider is our own, not the app's.
    expect(p.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(p.get("code_challenge")).not.toBe(await s256(verifier));
    const row = await env.DB.prepare(`SELECT * FROM oauth_states WHERE project_id = ?`).bind(projectId).first<OAuthStateRow>();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(p.get("state")!);
    expect(stored).not.toContain(p.get("nonce")!);
    expect(row).toMatchObject({ provider: "corp", redirect_uri: APP_REDIRECT, app_state: "my-app-state", code_challenge: await s256(verifier) });
    expect(Date.parse(row!.expires_at) - Date.parse(row!.created_at)).toBe(600_000);
    const audit = await env.DB.prepare(`SELECT outcome FROM audit_log WHERE project_id = ? AND type = 'auth.oauth.authorize'`)
      .bind(projectId)
      .first<string>("outcome");
    expect(audit).toBe("success");
  });

  it("answers 400 VALIDATION_ERROR (JSON, no redirect) for a redirect_uri not on the allow-list exactly", async () => {
    const challenge = await s256(newVerifier());
    const failures = () =>
      env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE project_id = ? AND type = 'auth.oauth.authorize' AND outcome = 'failure'`)
        .bind(projectId)
        .first<number>("n");
    const before = await failures();
    for (const redirect_uri of ["https://evil.example.com/cb", `${APP_REDIRECT}/`, `${APP_REDIRECT}?x=1`, APP_REDIRECT.toUpperCase()]) {
      const response = await authorizeWith({ redirect_uri, code_challenge: challenge });
      expect(response.status, redirect_uri).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR", error: expect.stringContaining("redirect_uri") });
    }
    // One audited failure per refused request (the project is shared with the other tests of this file).
    expect((await failures())! - before!).toBe(4);
  });

  it("requires the app's code_challenge (S256 only)", async () => {
    const missing = await authorizeWith({ redirect_uri: APP_REDIRECT });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toContain("query.code_challenge");
    const short = await authorizeWith({ redirect_uri: APP_REDIRECT, code_challenge: "abc" });
    expect(short.status).toBe(400);
    const plain = await authorizeWith({ redirect_uri: APP_REDIRECT, code_challenge: await s256(newVerifier()), code_challenge_method: "plain" });
    expect(plain.status).toBe(400);
  });

  it("answers 404 NOT_FOUND for an unknown or disabled provider, and for an unknown project", async () => {
    const params = { redirect_uri: APP_REDIRECT, code_challenge: await s256(newVerifier()) };
    const unknown = await authorizeWith(params, "nope");
    expect(unknown.status).toBe(404);
    await owner.PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
      params: { path: { projectId, provider: "off" } },
      body: { type: "oidc", clientId: CLIENT_ID, issuer: stub.issuer, enabled: false },
    });
    expect((await authorizeWith(params, "off")).status).toBe(404);
    expect((await authorizeWith(params, "corp", "no_such_project")).status).toBe(404);
  });

  it("answers 403 PROJECT_DISABLED for a disabled project", async () => {
    const other = await projectWithProvider(stub);
    await env.DB.prepare(`UPDATE projects SET enabled = 0 WHERE id = ?`).bind(other.projectId).run();
    const response = await authorizeWith({ redirect_uri: APP_REDIRECT, code_challenge: await s256(newVerifier()) }, "corp", other.projectId);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe("PROJECT_DISABLED");
  });
});
