import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/client";
import { StubProvider, exchange, installFetchStub, newVerifier, projectWithProvider, signIn } from "./stub-provider";
import { raceTimes } from "../helpers/race";

let stub: StubProvider;
let projectId: string;
beforeAll(async () => {
  installFetchStub();
  stub = new StubProvider();
  ({ projectId } = await projectWithProvider(stub));
});

async function codeFor(sub = `sub-${crypto.randomUUID()}`) {
  stub.login = { sub, email: `${sub}@example.com`, email_verified: true };
  const { params, verifier } = await signIn(stub, projectId);
  return { code: params.get("code")!, verifier };
}

const tokenAudits = (outcome: string) =>
  env.DB.prepare(`SELECT details FROM audit_log WHERE project_id = ? AND type = 'auth.oauth.token' AND outcome = ? ORDER BY created_at DESC, rowid DESC`)
    .bind(projectId, outcome)
    .all<{ details: string }>();

async function expectInvalidGrant(response: Response, reason: string) {
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ success: false, code: "INVALID_GRANT" });
  expect(JSON.parse((await tokenAudits("failure")).results[0]!.details)).toEqual({ reason });
}

describe("POST /api/auth/:projectId/oauth/token", () => {
  it("returns the usual AuthResult for the right verifier, and never logs the code", async () => {
    const { code, verifier } = await codeFor("grace");
    const response = await exchange(projectId, code, verifier);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({ tokenType: "Bearer", expiresIn: 900, user: { email: "grace@example.com", emailVerified: true } });
    const refreshed = await api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: data.refreshToken as string } });
    expect(refreshed.response.status).toBe(200);
    const all = await env.DB.prepare(`SELECT details FROM audit_log WHERE project_id = ?`).bind(projectId).all<{ details: string }>();
    expect(JSON.stringify(all.results)).not.toContain(code);
  });

  it("burns the code on a wrong verifier: 400 INVALID_GRANT, and the right verifier afterwards fails too", async () => {
    const { code, verifier } = await codeFor();
    await expectInvalidGrant(await exchange(projectId, code, newVerifier()), "pkce_mismatch");
    await expectInvalidGrant(await exchange(projectId, code, verifier), "code_replayed");
  });

  it("refuses a replayed code with 400 INVALID_GRANT and ends the session the code started", async () => {
    const { code, verifier } = await codeFor();
    const first = (await (await exchange(projectId, code, verifier)).json()) as { data: { refreshToken: string } };
    await expectInvalidGrant(await exchange(projectId, code, verifier), "code_replayed");
    const refreshed = await api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: first.data.refreshToken } });
    expect(refreshed.response.status).toBe(401);
  });

  it("lets exactly one of concurrent exchanges of a code win", async () => {
    const { code, verifier } = await codeFor();
    const { results, maxInFlight } = await raceTimes(8, () => exchange(projectId, code, verifier));
    expect(maxInFlight).toBe(results.length);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
  });

  it("refuses an unknown code, an expired one, and a code of another project", async () => {
    await expectInvalidGrant(await exchange(projectId, "oc_unknown", newVerifier()), "unknown_code");
    const { code, verifier } = await codeFor();
    await env.DB.prepare(`UPDATE oauth_codes SET expires_at = ? WHERE project_id = ? AND consumed_at IS NULL`)
      .bind(new Date(Date.now() - 1).toISOString(), projectId)
      .run();
    await expectInvalidGrant(await exchange(projectId, code, verifier), "code_expired");
    const other = await projectWithProvider(stub);
    const fresh = await codeFor();
    const response = await exchange(other.projectId, fresh.code, fresh.verifier);
    expect(response.status).toBe(400);
    expect((await exchange(projectId, fresh.code, fresh.verifier)).status).toBe(200);
  });

  it("answers 403 USER_DISABLED when the account was disabled after the callback", async () => {
    const { code, verifier } = await codeFor("heidi");
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE project_id = ? AND email = 'heidi@example.com'`).bind(projectId).run();
    const response = await exchange(projectId, code, verifier);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "USER_DISABLED" });
  });

  it("validates the body: codeVerifier must be an RFC 7636 verifier", async () => {
    const response = await exchange(projectId, "oc_x", "short");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR", error: expect.stringContaining("codeVerifier") });
  });
});
