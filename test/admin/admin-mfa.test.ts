// TOTP for the Admin API login, end to end through HTTP. Codes are computed with the `otpauth`
// package (an implementation independent of ours) at the fake clock's time. Every admin here is
// freshly created: the bootstrap owner never gets a second factor, so other tests' logins stay one step.
import { env } from "cloudflare:test";
import { Secret, TOTP } from "otpauth";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { recoveryCodeHash } from "../../src/crypto/totp";
import { ADMIN_PASSWORD, adminClient, adminSessionOf, adminWithRole, ownerToken, type Role } from "../helpers/admin";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { race, raceTimes } from "../helpers/race";

// The documented policy, pinned here rather than imported.
const CHALLENGE_TTL_MS = 5 * 60_000;
const ATTEMPTS_PER_CHALLENGE = 5;
const ATTEMPTS_PER_ADMIN = 10;
const STEP_MS = 30_000;

let clock: ReturnType<typeof fakeClock>;
beforeEach(() => {
  clock = fakeClock();
});
afterEach(() => {
  vi.useRealTimers();
});

const codeAt = (totp: TOTP, at = clock.now) => totp.generate({ timestamp: at });
/** A 6-digit code that matches none of the steps the server accepts now. */
function wrongCode(totp: TOTP): string {
  const near = new Set([-1, 0, 1].map((d) => codeAt(totp, clock.now + d * STEP_MS)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!near.has(code)) return code;
  }
}

/** A new admin with a session, TOTP enrolled and confirmed; the clock is then one step past the confirming code. */
async function adminWithTotp(role: Role = "admin") {
  const admin = await adminWithRole(role);
  const client = adminClient(admin.token);
  const enrolled = await client.POST("/api/admin/me/mfa/totp/enroll");
  expect(enrolled.response.status).toBe(200);
  const { secret, otpauthUrl } = enrolled.data!.data;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  const confirmed = await client.POST("/api/admin/me/mfa/totp/confirm", { body: { code: codeAt(totp) } });
  expect(confirmed.response.status).toBe(200);
  clock.tick(STEP_MS);
  return { ...admin, client, secret, otpauthUrl, totp, recoveryCodes: confirmed.data!.data.recoveryCodes };
}

const login = (email: string) => api.POST("/api/admin/login", { body: { email, password: ADMIN_PASSWORD } });
async function challenge(email: string): Promise<string> {
  const { data, response } = await login(email);
  expect(response.status).toBe(200);
  const answer = data!.data;
  if (!("mfaRequired" in answer)) throw new Error("expected a second-factor challenge");
  return answer.mfaToken;
}
const verify = (body: { mfaToken: string; code: string } | { mfaToken: string; recoveryCode: string }) => api.POST("/api/admin/login/mfa", { body });

const auditOf = async (adminId: string) =>
  (
    await env.DB.prepare(`SELECT type, outcome FROM audit_log WHERE target_id = ? AND type LIKE 'admin.mfa.%' ORDER BY created_at, rowid`)
      .bind(adminId)
      .all<{ type: string; outcome: string }>()
  ).results.map((r) => `${r.type}:${r.outcome}`);

describe("enrolling TOTP (POST /api/admin/me/mfa/totp/enroll, /confirm)", () => {
  it("hands out a secret and otpauth URL, turns on with an app's code, returns 10 recovery codes and stores neither in the clear", async () => {
    const admin = await adminWithTotp();
    expect(admin.otpauthUrl).toMatch(/^otpauth:\/\/totp\/edge-auth%20admin:/);
    expect(new URL(admin.otpauthUrl).searchParams.get("secret")).toBe(admin.secret);
    expect(admin.recoveryCodes).toHaveLength(10);
    expect(new Set(admin.recoveryCodes).size).toBe(10);
    const me = await admin.client.GET("/api/admin/me");
    expect(me.data!.data.mfa).toEqual({ totp: true });

    const stored = JSON.stringify([
      (await env.DB.prepare(`SELECT * FROM admin_totp WHERE admin_id = ?`).bind(admin.id).all()).results,
      (await env.DB.prepare(`SELECT * FROM admin_recovery_codes WHERE admin_id = ?`).bind(admin.id).all()).results,
    ]);
    expect(stored).not.toContain(admin.secret);
    for (const code of admin.recoveryCodes) expect(stored).not.toContain(code);
    expect(stored).toContain(await recoveryCodeHash(admin.recoveryCodes[0]!));
    expect(await auditOf(admin.id)).toEqual(["admin.mfa.enrolled:success"]);
  });

  it("keeps a pending secret out of the login, refuses a wrong first code, and refuses to enroll over a confirmed factor", async () => {
    const admin = await adminWithRole("viewer");
    const client = adminClient(admin.token);
    expect((await client.POST("/api/admin/me/mfa/totp/confirm", { body: { code: "123456" } })).error!.code).toBe("CONFLICT");
    const { secret } = (await client.POST("/api/admin/me/mfa/totp/enroll")).data!.data;
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    expect(adminSessionOf((await login(admin.email)).data!.data).sessionToken).toMatch(/^as_/);
    expect((await client.GET("/api/admin/me")).data!.data.mfa).toEqual({ totp: false });
    const wrong = await client.POST("/api/admin/me/mfa/totp/confirm", { body: { code: wrongCode(totp) } });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error!.code).toBe("INVALID_CODE");
    expect((await client.POST("/api/admin/me/mfa/totp/confirm", { body: { code: codeAt(totp) } })).response.status).toBe(200);
    expect((await client.POST("/api/admin/me/mfa/totp/enroll")).error!.code).toBe("CONFLICT");
  });
});

describe("POST /api/admin/login with TOTP on, then POST /api/admin/login/mfa", () => {
  it("answers a challenge with no session token; the current code turns it into a working session", async () => {
    const admin = await adminWithTotp();
    const { data } = await login(admin.email);
    expect(data!.data).toEqual({ mfaRequired: true, mfaToken: expect.stringMatching(/^amfa_/), methods: ["totp", "recovery_code"], expiresIn: 300 });
    expect(JSON.stringify(data)).not.toContain("sessionToken");

    const done = await verify({ mfaToken: (data!.data as { mfaToken: string }).mfaToken, code: codeAt(admin.totp) });
    expect(done.response.status).toBe(200);
    const session = done.data!.data;
    expect(session.admin.id).toBe(admin.id);
    expect((await adminClient(session.sessionToken).GET("/api/admin/me")).data!.data).toMatchObject({ id: admin.id, mfa: { totp: true } });
    expect(await auditOf(admin.id)).toEqual(["admin.mfa.enrolled:success", "admin.mfa.challenge:success", "admin.mfa.verify:success"]);
  });

  it("refuses a code whose time step was already used, and takes the next step's code", async () => {
    const admin = await adminWithTotp();
    const code = codeAt(admin.totp);
    expect((await verify({ mfaToken: await challenge(admin.email), code })).response.status).toBe(200);
    const replay = await verify({ mfaToken: await challenge(admin.email), code });
    expect(replay.response.status).toBe(401);
    expect(replay.error!.code).toBe("INVALID_CODE");
    clock.tick(STEP_MS);
    expect((await verify({ mfaToken: await challenge(admin.email), code: codeAt(admin.totp) })).response.status).toBe(200);
  });

  it("answers wrong codes 401 INVALID_CODE, voids a challenge after 5, then 429 with Retry-After per admin", async () => {
    const admin = await adminWithTotp();
    let failures = 0;
    while (failures < ATTEMPTS_PER_ADMIN) {
      const mfaToken = await challenge(admin.email);
      for (let i = 0; i < ATTEMPTS_PER_CHALLENGE; i++, failures++) {
        const wrong = await verify({ mfaToken, code: wrongCode(admin.totp) });
        expect(wrong.response.status, `attempt ${failures + 1}`).toBe(401);
        expect(wrong.error!.code).toBe("INVALID_CODE");
      }
      // The sixth code on one challenge: the token is void even with the right code.
      const spent = await verify({ mfaToken, code: codeAt(admin.totp) });
      expect(spent.error!.code).toBe("INVALID_TOKEN");
    }
    const limited = await verify({ mfaToken: await challenge(admin.email), code: codeAt(admin.totp) });
    expect(limited.response.status).toBe(429);
    expect(limited.error!.code).toBe("RATE_LIMITED");
    const retryAfter = Number(limited.response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    clock.tick(retryAfter * 1000);
    expect((await verify({ mfaToken: await challenge(admin.email), code: codeAt(admin.totp) })).response.status).toBe(200);
    expect(await auditOf(admin.id)).toContain("admin.mfa.verify:failure");
  });

  it("takes each recovery code once", async () => {
    const admin = await adminWithTotp();
    const [first] = admin.recoveryCodes;
    const used = await verify({ mfaToken: await challenge(admin.email), recoveryCode: first!.toLowerCase() });
    expect(used.response.status).toBe(200);
    const again = await verify({ mfaToken: await challenge(admin.email), recoveryCode: first! });
    expect(again.error!.code).toBe("INVALID_CODE");
    expect((await verify({ mfaToken: await challenge(admin.email), recoveryCode: admin.recoveryCodes[1]! })).response.status).toBe(200);
  });

  it("spends a challenge once when two valid answers race", async () => {
    const admin = await adminWithTotp();
    const mfaToken = await challenge(admin.email);
    const [a, b] = admin.recoveryCodes;
    const { results, maxInFlight } = await race([() => verify({ mfaToken, recoveryCode: a! }), () => verify({ mfaToken, recoveryCode: b! })]);
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401]);
    expect(results.find((r) => r.response.status === 401)!.error!.code).toBe("INVALID_TOKEN");

    const sameCode = { mfaToken: await challenge(admin.email), code: codeAt(admin.totp) };
    const twice = await raceTimes(2, () => verify(sameCode));
    expect(twice.maxInFlight).toBe(2);
    expect(twice.results.map((r) => r.response.status).sort()).toEqual([200, 401]);
    const sessions = await env.DB.prepare(`SELECT COUNT(*) AS n FROM admin_sessions WHERE admin_id = ?`).bind(admin.id).first<number>("n");
    expect(sessions).toBe(3); // adminWithRole's, and one per raced challenge
  });

  it("lets an mfaToken expire after 5 minutes", async () => {
    const admin = await adminWithTotp();
    const mfaToken = await challenge(admin.email);
    clock.tick(CHALLENGE_TTL_MS);
    const late = await verify({ mfaToken, code: codeAt(admin.totp) });
    expect(late.response.status).toBe(401);
    expect(late.error!.code).toBe("INVALID_TOKEN");
    expect((await verify({ mfaToken: "amfa_unknown", code: "123456" })).error!.code).toBe("INVALID_TOKEN");
  });
});

describe("DELETE /api/admin/me/mfa/totp", () => {
  it("needs a right code, then turns TOTP off: the login gives a session again", async () => {
    const admin = await adminWithTotp();
    const wrong = await admin.client.DELETE("/api/admin/me/mfa/totp", { body: { code: wrongCode(admin.totp) } });
    expect(wrong.error!.code).toBe("INVALID_CODE");
    const off = await admin.client.DELETE("/api/admin/me/mfa/totp", { body: { recoveryCode: admin.recoveryCodes[0]! } });
    expect(off.data!.data).toEqual({ disabled: true });
    expect(adminSessionOf((await login(admin.email)).data!.data).sessionToken).toMatch(/^as_/);
    expect((await admin.client.GET("/api/admin/me")).data!.data.mfa).toEqual({ totp: false });
    expect((await admin.client.DELETE("/api/admin/me/mfa/totp", { body: { code: "123456" } })).error!.code).toBe("CONFLICT");
    expect(await auditOf(admin.id)).toEqual(["admin.mfa.enrolled:success", "admin.mfa.disabled:failure", "admin.mfa.disabled:success"]);
  });
});

describe("DELETE /api/admin/admins/{adminId}/mfa", () => {
  it("lets an owner remove an admin's factor, ending their sessions (audited)", async () => {
    const admin = await adminWithTotp("viewer");
    const pending = await challenge(admin.email);
    const owner = adminClient(await ownerToken());
    const reset = await owner.DELETE("/api/admin/admins/{adminId}/mfa", { params: { path: { adminId: admin.id } } });
    expect(reset.data!.data).toEqual({ hadTotp: true, sessionsEnded: 1 });
    expect((await admin.client.GET("/api/admin/me")).response.status).toBe(401);
    expect((await verify({ mfaToken: pending, code: codeAt(admin.totp) })).error!.code).toBe("INVALID_TOKEN");
    const session = adminSessionOf((await login(admin.email)).data!.data);
    expect((await adminClient(session.sessionToken).GET("/api/admin/me")).data!.data.mfa).toEqual({ totp: false });
    expect(await auditOf(admin.id)).toContain("admin.mfa.reset:success");
    expect((await owner.DELETE("/api/admin/admins/{adminId}/mfa", { params: { path: { adminId: "adm_nobody" } } })).response.status).toBe(404);
  });

  it.each(["admin", "viewer"] as const)("is refused to an %s with 403 FORBIDDEN", async (role) => {
    const target = await adminWithTotp();
    const caller = await adminWithRole(role);
    const refused = await adminClient(caller.token).DELETE("/api/admin/admins/{adminId}/mfa", { params: { path: { adminId: target.id } } });
    expect(refused.response.status).toBe(403);
    expect(refused.error!.code).toBe("FORBIDDEN");
    expect((await target.client.GET("/api/admin/me")).data!.data.mfa).toEqual({ totp: true });
  });
});
