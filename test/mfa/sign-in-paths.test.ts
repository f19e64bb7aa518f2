import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { bearer, createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";
import { StubProvider, exchange, installFetchStub, projectWithProvider, signIn } from "../oauth/stub-provider";
import { codeAt, inProject, loginChallenge, midStep, userWithTotp, verify } from "./helpers";

type Client = ReturnType<typeof adminClient>;
let owner: Client;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
});
afterEach(() => vi.useRealTimers());

const userPath = (projectId: string, userId: string) => ({ params: { path: { projectId, userId } } });

describe("social sign-in (oauth/token) of a user with TOTP", () => {
  it("answers the challenge instead of tokens; verify gives amr ['fed','otp']", async () => {
    installFetchStub();
    const clock = fakeClock(midStep(Date.now()));
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const sub = `sub-${crypto.randomUUID()}`;
    stub.login = { sub, email: `${sub}@example.com`, email_verified: true };
    const first = await signIn(stub, projectId);
    const session = (await (await exchange(projectId, first.params.get("code")!, first.verifier)).json()) as { data: { accessToken: string } };
    const user = bearer(session.data.accessToken);
    const { secret } = (await user.POST("/api/auth/{projectId}/mfa/totp/enroll", inProject(projectId))).data!.data;
    expect((await user.POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject(projectId), body: { code: codeAt(secret) } })).response.status).toBe(200);

    const again = await signIn(stub, projectId);
    const answer = (await (await exchange(projectId, again.params.get("code")!, again.verifier)).json()) as { data: Record<string, unknown> };
    expect(answer.data).toMatchObject({ mfaRequired: true, methods: ["totp", "recovery_code"] });
    expect(answer.data).not.toHaveProperty("accessToken");
    clock.tick(30_000);
    const verified = await verify(projectId, { mfaToken: answer.data.mfaToken as string, code: codeAt(secret) });
    expect(verified.response.status).toBe(200);
    expect(decodeJwt(verified.data!.data.accessToken).amr).toEqual(["fed", "otp"]);
  });
});

describe('mfa: "required": the restricted session enrolls, then refreshes once', () => {
  it("may enroll and confirm TOTP; after a refresh the session is unrestricted with amr ['pwd','otp']", async () => {
    const projectId = await createProject();
    await owner.PATCH("/api/admin/projects/{projectId}", { ...inProject(projectId), body: { mfa: "required" } });
    const u = await registerUser(projectId);
    expect(decodeJwt(u.accessToken).restricted).toBe("mfa_enrollment");
    const user = bearer(u.accessToken);
    expect((await user.GET("/api/auth/{projectId}/sessions", inProject(projectId))).error!.code).toBe("MFA_REQUIRED");
    const { secret } = (await user.POST("/api/auth/{projectId}/mfa/totp/enroll", inProject(projectId))).data!.data;
    expect((await user.POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject(projectId), body: { code: codeAt(secret) } })).response.status).toBe(200);
    // This API judges the session live, so the old token works here at once; its claims still say restricted (resource servers refuse it).
    expect((await user.GET("/api/auth/{projectId}/sessions", inProject(projectId))).response.status).toBe(200);
    const refreshed = await api.POST("/api/auth/{projectId}/refresh", { ...inProject(projectId), body: { refreshToken: u.refreshToken } });
    const claims = decodeJwt(refreshed.data!.data.accessToken);
    expect(claims.amr).toEqual(["pwd", "otp"]);
    expect(claims).not.toHaveProperty("restricted");
    expect((await bearer(refreshed.data!.data.accessToken).GET("/api/auth/{projectId}/sessions", inProject(projectId))).response.status).toBe(200);
  });
});

describe("Admin API: a user's factors", () => {
  it("shows TOTP, recovery codes left and passkeys (no secrets); reset turns them off and ends the sessions", async () => {
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    const plain = await registerUser(projectId);
    const view = await owner.GET("/api/admin/projects/{projectId}/users/{userId}/factors", userPath(projectId, u.user.id));
    expect(view.response.status).toBe(200);
    expect(view.data!.data).toMatchObject({ totp: { enabled: true }, recoveryCodesLeft: 10, passkeys: [] });
    expect(JSON.stringify(view.data)).not.toContain(u.secret);
    expect((await owner.GET("/api/admin/projects/{projectId}/users/{userId}/factors", userPath(projectId, plain.user.id))).data!.data).toEqual({
      totp: { enabled: false, confirmedAt: null },
      recoveryCodesLeft: 0,
      passkeys: [],
    });
    const other = await createProject();
    expect((await owner.GET("/api/admin/projects/{projectId}/users/{userId}/factors", userPath(other, u.user.id))).response.status).toBe(404);

    const viewer = adminClient((await adminWithRole("viewer")).token);
    expect((await viewer.DELETE("/api/admin/projects/{projectId}/users/{userId}/factors", userPath(projectId, u.user.id))).response.status).toBe(403);
    const pending = await loginChallenge(projectId, u.email);
    const reset = await owner.DELETE("/api/admin/projects/{projectId}/users/{userId}/factors", userPath(projectId, u.user.id));
    expect(reset.response.status).toBe(200);
    expect(reset.data!.data).toEqual({ reset: true, sessionsEnded: 1 });
    expect((await api.POST("/api/auth/{projectId}/refresh", { ...inProject(projectId), body: { refreshToken: u.refreshToken } })).response.status).toBe(401);
    expect((await verify(projectId, { mfaToken: pending.mfaToken, recoveryCode: u.recoveryCodes[0]! })).error!.code).toBe("INVALID_TOKEN");
    tokensOf((await api.POST("/api/auth/{projectId}/login", { ...inProject(projectId), body: { email: u.email, password: PASSWORD } })).data!.data);
    const audit = await env.DB.prepare(`SELECT actor_type FROM audit_log WHERE project_id = ? AND type = 'admin.user.factors_reset' AND target_id = ?`)
      .bind(projectId, u.user.id)
      .first<{ actor_type: string }>();
    expect(audit?.actor_type).toBe("admin");
  });
});
