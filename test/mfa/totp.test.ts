import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { bearer, createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";
import { raceTimes } from "../helpers/race";
import { codeAt, inProject, loginChallenge, midStep, userWithTotp, verify } from "./helpers";

afterEach(() => vi.useRealTimers());

describe("TOTP enrollment: POST /mfa/totp/enroll, /mfa/totp/confirm", () => {
  it("turns TOTP on only after a right code, shows 10 recovery codes once, and /me reports it", async () => {
    fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await registerUser(projectId);
    const user = bearer(u.accessToken);
    const enrolled = await user.POST("/api/auth/{projectId}/mfa/totp/enroll", inProject(projectId));
    expect(enrolled.response.status).toBe(200);
    const { secret, otpauthUrl } = enrolled.data!.data;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toContain(`secret=${secret}`);
    expect((await user.GET("/api/auth/{projectId}/me", inProject(projectId))).data!.data.mfa).toEqual({ totp: false, passkeys: 0 });
    // Pending: a login still gets tokens.
    tokensOf((await api.POST("/api/auth/{projectId}/login", { ...inProject(projectId), body: { email: u.email, password: PASSWORD } })).data!.data);
    const wrong = await user.POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject(projectId), body: { code: codeAt(secret, 3) } });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error!.code).toBe("INVALID_CODE");
    const confirmed = await user.POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject(projectId), body: { code: codeAt(secret) } });
    expect(confirmed.response.status).toBe(200);
    const codes = confirmed.data!.data.recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await user.GET("/api/auth/{projectId}/me", inProject(projectId))).data!.data.mfa).toEqual({ totp: true, passkeys: 0 });
    // At rest: the secret sealed, the codes hashed; neither in the audit log.
    const stored = JSON.stringify(
      await env.DB.batch([
        env.DB.prepare(`SELECT * FROM user_totp WHERE user_id = ?`).bind(u.user.id),
        env.DB.prepare(`SELECT * FROM recovery_codes WHERE user_id = ?`).bind(u.user.id),
        env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ?`).bind(projectId),
      ]),
    );
    expect(stored).not.toContain(secret);
    for (const code of codes) expect(stored).not.toContain(code);
    const again = await user.POST("/api/auth/{projectId}/mfa/totp/enroll", inProject(projectId));
    expect(again.response.status).toBe(409);
    expect(again.error!.code).toBe("CONFLICT");
  });

  it("confirm without a pending enrollment is 409 CONFLICT", async () => {
    const projectId = await createProject();
    const u = await registerUser(projectId);
    const res = await bearer(u.accessToken).POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject(projectId), body: { code: "123456" } });
    expect(res.response.status).toBe(409);
  });
});

describe("sign-in with TOTP on: POST /login → challenge → POST /mfa/verify", () => {
  it("answers a challenge without tokens, then tokens with amr ['pwd','otp'] for a code", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    const challenge = await loginChallenge(projectId, u.email);
    expect(challenge).toMatchObject({ mfaRequired: true, methods: ["totp", "recovery_code"], expiresIn: 300 });
    expect(challenge).not.toHaveProperty("accessToken");
    expect(challenge.mfaToken).toMatch(/^mfa_/);
    clock.tick(30_000);
    const verified = await verify(projectId, { mfaToken: challenge.mfaToken, code: codeAt(u.secret) });
    expect(verified.response.status).toBe(200);
    expect(verified.data!.data.user.email).toBe(u.email);
    expect(decodeJwt(verified.data!.data.accessToken).amr).toEqual(["pwd", "otp"]);
    const refreshed = await api.POST("/api/auth/{projectId}/refresh", { ...inProject(projectId), body: { refreshToken: verified.data!.data.refreshToken } });
    expect(decodeJwt(refreshed.data!.data.accessToken).amr).toEqual(["pwd", "otp"]);
    const types = await env.DB.prepare(`SELECT type, outcome FROM audit_log WHERE project_id = ? AND type LIKE 'auth.%' ORDER BY created_at, rowid`)
      .bind(projectId)
      .all<{ type: string; outcome: string }>();
    const login = types.results.map((r) => `${r.type}:${r.outcome}`).slice(-3);
    expect(login).toEqual(["auth.mfa.challenge:success", "auth.mfa.verify:success", "auth.refresh:success"]);
  });

  it("refuses a step already accepted (replay), also across challenges", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    // The confirming code's step is spent.
    const first = await loginChallenge(projectId, u.email);
    const replayed = await verify(projectId, { mfaToken: first.mfaToken, code: codeAt(u.secret) });
    expect(replayed.response.status).toBe(401);
    expect(replayed.error!.code).toBe("INVALID_CODE");
    clock.tick(30_000);
    const code = codeAt(u.secret);
    expect((await verify(projectId, { mfaToken: first.mfaToken, code })).response.status).toBe(200);
    const second = await loginChallenge(projectId, u.email);
    expect((await verify(projectId, { mfaToken: second.mfaToken, code })).error!.code).toBe("INVALID_CODE");
    // An older step within the window is refused too: only steps after the last accepted one count.
    expect((await verify(projectId, { mfaToken: second.mfaToken, code: codeAt(u.secret, -1) })).error!.code).toBe("INVALID_CODE");
  });

  it("accepts ±1 step and refuses ±2", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    clock.tick(5 * 30_000);
    const a = await loginChallenge(projectId, u.email);
    expect((await verify(projectId, { mfaToken: a.mfaToken, code: codeAt(u.secret, -2) })).error!.code).toBe("INVALID_CODE");
    expect((await verify(projectId, { mfaToken: a.mfaToken, code: codeAt(u.secret, 2) })).error!.code).toBe("INVALID_CODE");
    expect((await verify(projectId, { mfaToken: a.mfaToken, code: codeAt(u.secret, -1) })).response.status).toBe(200);
    const b = await loginChallenge(projectId, u.email);
    expect((await verify(projectId, { mfaToken: b.mfaToken, code: codeAt(u.secret, 1) })).response.status).toBe(200);
  });

  it("accepts a recovery code once, with amr ['pwd','recovery_code']", async () => {
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    const a = await loginChallenge(projectId, u.email);
    const recoveryCode = u.recoveryCodes[3]!.toUpperCase(); // case does not matter
    const ok = await verify(projectId, { mfaToken: a.mfaToken, recoveryCode });
    expect(ok.response.status).toBe(200);
    expect(decodeJwt(ok.data!.data.accessToken).amr).toEqual(["pwd", "recovery_code"]);
    const b = await loginChallenge(projectId, u.email);
    expect((await verify(projectId, { mfaToken: b.mfaToken, recoveryCode })).error!.code).toBe("INVALID_CODE");
  });

  it("spends a challenge after 5 wrong codes, then throttles the account: 429 with Retry-After", async () => {
    fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    const a = await loginChallenge(projectId, u.email);
    for (let i = 0; i < 5; i++) expect((await verify(projectId, { mfaToken: a.mfaToken, code: "000000" })).error!.code).toBe("INVALID_CODE");
    const spent = await verify(projectId, { mfaToken: a.mfaToken, code: codeAt(u.secret, 1) });
    expect(spent.response.status).toBe(401);
    expect(spent.error!.code).toBe("INVALID_TOKEN");
    const b = await loginChallenge(projectId, u.email);
    expect((await verify(projectId, { mfaToken: b.mfaToken, recoveryCode: "wrong-guess" })).error!.code).toBe("INVALID_CODE");
    const blocked = await verify(projectId, { mfaToken: b.mfaToken, code: codeAt(u.secret, 1) });
    expect(blocked.response.status).toBe(429);
    expect(blocked.error!.code).toBe("RATE_LIMITED");
    expect(Number(blocked.response.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("refuses an mfaToken in another project and after 5 minutes: 401 INVALID_TOKEN", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const other = await createProject();
    const u = await userWithTotp(projectId);
    const a = await loginChallenge(projectId, u.email);
    clock.tick(30_000);
    const foreign = await verify(other, { mfaToken: a.mfaToken, code: codeAt(u.secret) });
    expect(foreign.response.status).toBe(401);
    expect(foreign.error!.code).toBe("INVALID_TOKEN");
    clock.tick(5 * 60_000);
    const late = await verify(projectId, { mfaToken: a.mfaToken, code: codeAt(u.secret) });
    expect(late.response.status).toBe(401);
    expect(late.error!.code).toBe("INVALID_TOKEN");
    // A day later the next sign-in clears the expired challenge away.
    clock.tick(24 * 3600_000);
    await loginChallenge(projectId, u.email);
    const left = await env.DB.prepare(`SELECT COUNT(*) AS n FROM mfa_challenges WHERE user_id = ?`).bind(u.user.id).first<{ n: number }>();
    expect(left!.n).toBe(1);
  });

  it("lets exactly one of two parallel verifications of the same mfaToken win", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    const a = await loginChallenge(projectId, u.email);
    clock.tick(30_000);
    const code = codeAt(u.secret);
    const { results, maxInFlight } = await raceTimes(2, () => verify(projectId, { mfaToken: a.mfaToken, code }));
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401]);
    const sessions = await env.DB.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND amr LIKE '%otp%'`).bind(u.user.id).first<{ n: number }>();
    expect(sessions!.n).toBe(2); // the enrolling session and the one winner
  });

  it("rejects a body with both or neither of code and recoveryCode: 400", async () => {
    const projectId = await createProject();
    const both = await verify(projectId, { mfaToken: "mfa_x", code: "123456", recoveryCode: "abcde-fghij" });
    expect(both.response.status).toBe(400);
    expect((await verify(projectId, { mfaToken: "mfa_x" })).response.status).toBe(400);
  });
});

describe("DELETE /mfa/totp and POST /mfa/recovery-codes", () => {
  it("turns TOTP off only with a valid code; login then gives tokens again", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    const user = bearer(u.accessToken);
    const wrong = await user.DELETE("/api/auth/{projectId}/mfa/totp", { ...inProject(projectId), body: { code: codeAt(u.secret) } }); // replayed step
    expect(wrong.response.status).toBe(401);
    expect(wrong.error!.code).toBe("INVALID_CODE");
    clock.tick(30_000);
    const off = await user.DELETE("/api/auth/{projectId}/mfa/totp", { ...inProject(projectId), body: { code: codeAt(u.secret) } });
    expect(off.response.status).toBe(200);
    expect((await user.GET("/api/auth/{projectId}/me", inProject(projectId))).data!.data.mfa.totp).toBe(false);
    const left = await env.DB.prepare(`SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?`).bind(u.user.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    tokensOf((await api.POST("/api/auth/{projectId}/login", { ...inProject(projectId), body: { email: u.email, password: PASSWORD } })).data!.data);
    expect((await user.DELETE("/api/auth/{projectId}/mfa/totp", { ...inProject(projectId), body: { code: "123456" } })).response.status).toBe(409);
  });

  it("turns TOTP off with a recovery code", async () => {
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    const off = await bearer(u.accessToken).DELETE("/api/auth/{projectId}/mfa/totp", { ...inProject(projectId), body: { recoveryCode: u.recoveryCodes[0]! } });
    expect(off.response.status).toBe(200);
  });

  it("replaces the recovery codes for a current code; the old ones stop working", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    const u = await userWithTotp(projectId);
    clock.tick(30_000);
    const fresh = await bearer(u.accessToken).POST("/api/auth/{projectId}/mfa/recovery-codes", { ...inProject(projectId), body: { code: codeAt(u.secret) } });
    expect(fresh.response.status).toBe(200);
    expect(fresh.data!.data.recoveryCodes).toHaveLength(10);
    const a = await loginChallenge(projectId, u.email);
    expect((await verify(projectId, { mfaToken: a.mfaToken, recoveryCode: u.recoveryCodes[0]! })).error!.code).toBe("INVALID_CODE");
    expect((await verify(projectId, { mfaToken: a.mfaToken, recoveryCode: fresh.data!.data.recoveryCodes[0]! })).response.status).toBe(200);
  });
});
