import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { README_RULES } from "../helpers/documented-limits";
import { PASSWORD, bearer, createProject, registerUser, uniqueId, tokensOf } from "../helpers/fixtures";
import { REDIRECT, auditRows, emailFlows, emailProject, inbox, latestLink } from "./mailbox";
import { race } from "../helpers/race";

const NEW_PASSWORD = "a brand new passphrase";

let projectId: string;
let flows: ReturnType<typeof emailFlows>;
beforeAll(async () => {
  projectId = await emailProject();
  flows = emailFlows(projectId);
});
afterEach(() => {
  vi.useRealTimers();
});

async function resetLink(email: string, project = projectId) {
  expect((await emailFlows(project).forgot(email)).response.status).toBe(200);
  return latestLink(project, email);
}

describe("POST /api/auth/:projectId/password/forgot", () => {
  it("mails a reset link with the token to the first redirect URL", async () => {
    const user = await registerUser(projectId);
    const { data, response } = await flows.forgot(user.email);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ accepted: true });
    const link = await latestLink(projectId, user.email);
    expect(link.url.origin + link.url.pathname).toBe(REDIRECT);
    expect(link.type).toBe("reset_password");
    expect(link.token).toMatch(/^reset_[\w-]{43}$/);
    expect(link.message).toMatchObject({ template: "reset_password", status: "sent", userId: user.user.id });
    expect(link.message.text).toContain("1 hour");
  });

  it("answers an unknown email with the identical status and body, and sends nothing", async () => {
    const user = await registerUser(projectId);
    const unknown = `${uniqueId("nobody")}@example.com`;
    const known = await flows.forgot(user.email);
    const stranger = await flows.forgot(unknown);
    expect(stranger.response.status).toBe(known.response.status);
    expect(JSON.stringify(stranger.data)).toBe(JSON.stringify(known.data));
    expect(stranger.response.headers.get("content-type")).toBe(known.response.headers.get("content-type"));
    expect(await inbox(projectId, unknown)).toEqual([]);
    const requested = await auditRows(projectId, "auth.password_reset.requested");
    expect(requested.at(-1)).toMatchObject({ outcome: "failure", target_id: null, details: { reason: "unknown_email" } });
    expect(JSON.stringify(requested)).not.toContain(unknown);
  });

  it("matches the email case-insensitively", async () => {
    const user = await registerUser(projectId);
    await flows.forgot(user.email.toUpperCase());
    expect(await inbox(projectId, user.email)).toHaveLength(1);
  });

  it("answers a disabled user's email the same and sends nothing", async () => {
    const user = await registerUser(projectId);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(user.user.id).run();
    const { data, response } = await flows.forgot(user.email);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ accepted: true });
    expect(await inbox(projectId, user.email)).toEqual([]);
  });

  it("refuses a redirect URL outside the allow-list with 400 naming redirectUrl, for known and unknown emails alike", async () => {
    const user = await registerUser(projectId);
    for (const email of [user.email, `${uniqueId("nobody")}@example.com`]) {
      const { error, response } = await flows.forgot(email, "https://evil.example.com/reset");
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "redirectUrl" }] });
    }
    expect(await inbox(projectId, user.email)).toEqual([]);
  });

  it("sends nothing when the project has no redirect URL, answers the same 200, and records the failure", async () => {
    const project = await emailProject([]);
    const user = await registerUser(project);
    const { data, response } = await emailFlows(project).forgot(user.email);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ accepted: true });
    const [message] = await inbox(project, user.email);
    expect(message).toMatchObject({ status: "failed", attempts: 0, subject: null, text: null, html: null });
    expect(message!.lastError).toMatch(/no redirect URL/);
    expect((await auditRows(project, "auth.password_reset.requested"))[0]).toMatchObject({
      outcome: "failure",
      target_id: user.user.id,
      details: { reason: "no_redirect_url" },
    });
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM one_time_tokens WHERE user_id = ?`).bind(user.user.id).first("n")).toBe(0);
  });

  it(`limits requests per account, registered or not: the ${README_RULES["email.account"].limit + 1}th in an hour is 429`, async () => {
    const user = await registerUser(projectId);
    const unknown = `${uniqueId("nobody")}@example.com`;
    for (const email of [user.email, unknown]) {
      for (let i = 0; i < README_RULES["email.account"].limit; i++) expect((await flows.forgot(email)).response.status).toBe(200);
      const { error, response } = await flows.forgot(email);
      expect(response.status).toBe(429);
      expect(error!.code).toBe("RATE_LIMITED");
      expect(response.headers.get("retry-after")).toBeTruthy();
    }
    expect(await inbox(projectId, user.email)).toHaveLength(README_RULES["email.account"].limit);
  });

  it("limits requests per client IP across emails", async () => {
    const project = await emailProject();
    await env.DB.prepare(`UPDATE projects SET rate_limits = ? WHERE id = ?`)
      .bind(JSON.stringify({ "email.ip": { kind: "window", limit: 3, windowSeconds: 3600 } }), project)
      .run();
    const fromIp = emailFlows(project, { "CF-Connecting-IP": "198.51.100.90" });
    for (let i = 0; i < 3; i++) expect((await fromIp.forgot(`${uniqueId("spray")}@example.com`)).response.status).toBe(200);
    expect((await fromIp.forgot(`${uniqueId("spray")}@example.com`)).response.status).toBe(429);
  });
});

describe("POST /api/auth/:projectId/password/reset", () => {
  it("resets end to end: new password works, old fails, every old session and refresh token is dead", async () => {
    const user = await registerUser(projectId);
    const second = await flows.login(user.email, PASSWORD);
    const { token } = await resetLink(user.email);

    const { data, response } = await flows.reset(token, NEW_PASSWORD);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ passwordReset: true, sessionsEnded: 2 });

    expect((await flows.login(user.email, PASSWORD)).error!.code).toBe("INVALID_CREDENTIALS");
    expect((await flows.login(user.email, NEW_PASSWORD)).response.status).toBe(200);
    for (const refreshToken of [user.refreshToken, tokensOf(second.data!.data).refreshToken]) {
      const refreshed = await api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken } });
      expect(refreshed.response.status).toBe(401);
      expect(refreshed.error!.code).toBe("INVALID_TOKEN");
    }
    const me = await bearer(user.accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } });
    expect(me.response.status).toBe(401);
  });

  it("marks the email verified (the link proved the mailbox) and audits without the token", async () => {
    const user = await registerUser(projectId);
    const { token } = await resetLink(user.email);
    await flows.reset(token, NEW_PASSWORD);
    const login = await flows.login(user.email, NEW_PASSWORD);
    expect(tokensOf(login.data!.data).user.emailVerified).toBe(true);
    const completed = (await auditRows(projectId, "auth.password_reset.completed")).filter((r) => r.actor_id === user.user.id);
    expect(completed).toMatchObject([{ outcome: "success", target_id: user.user.id }]);
    const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ?`).bind(projectId).all()).results);
    expect(dump).not.toContain(token);
  });

  it("is single use: the same token again is 401 INVALID_TOKEN and changes nothing", async () => {
    const user = await registerUser(projectId);
    const { token } = await resetLink(user.email);
    expect((await flows.reset(token, NEW_PASSWORD)).response.status).toBe(200);
    const again = await flows.reset(token, "yet another passphrase");
    expect(again.response.status).toBe(401);
    expect(again.error!.code).toBe("INVALID_TOKEN");
    expect((await flows.login(user.email, NEW_PASSWORD)).response.status).toBe(200);
    expect((await auditRows(projectId, "auth.password_reset.failed")).at(-1)).toMatchObject({ actor_id: user.user.id, details: { reason: "already_used" } });
  });

  it("makes the user's older reset links stop working once one is used", async () => {
    const user = await registerUser(projectId);
    const clock = fakeClock();
    const first = await resetLink(user.email);
    // A later millisecond, so "the newest message" is the second one, never a tie with the first.
    clock.tick();
    const second = await resetLink(user.email);
    expect(second.token).not.toBe(first.token);
    expect((await flows.reset(second.token, NEW_PASSWORD)).response.status).toBe(200);
    expect((await flows.reset(first.token, "yet another passphrase")).error!.code).toBe("INVALID_TOKEN");
  });

  it("works for an hour, then answers 401 TOKEN_EXPIRED", async () => {
    const [early, late] = [await registerUser(projectId), await registerUser(projectId)];
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    const [earlyLink, lateLink] = [await resetLink(early.email), await resetLink(late.email)];
    vi.setSystemTime(start + 3600_000 - 30_000);
    expect((await flows.reset(earlyLink.token, NEW_PASSWORD)).response.status).toBe(200);
    vi.setSystemTime(start + 3600_000 + 1000);
    const expired = await flows.reset(lateLink.token, NEW_PASSWORD);
    expect(expired.response.status).toBe(401);
    expect(expired.error!.code).toBe("TOKEN_EXPIRED");
    expect((await flows.login(late.email, PASSWORD)).response.status).toBe(200);
  });

  it("refuses a verification token (401 INVALID_TOKEN) without spending it", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    const { token, type } = await latestLink(projectId, user.email);
    expect(type).toBe("verify_email");
    const refused = await flows.reset(token, NEW_PASSWORD);
    expect(refused.response.status).toBe(401);
    expect(refused.error!.code).toBe("INVALID_TOKEN");
    expect((await flows.login(user.email, PASSWORD)).response.status).toBe(200);
    expect((await flows.confirm(token)).response.status).toBe(200);
  });

  it("refuses a reset token at verify-email/confirm without spending it", async () => {
    const user = await registerUser(projectId);
    const { token } = await resetLink(user.email);
    expect((await flows.confirm(token)).error!.code).toBe("INVALID_TOKEN");
    expect((await flows.reset(token, NEW_PASSWORD)).response.status).toBe(200);
  });

  it("refuses another project's token with 401 INVALID_TOKEN, even for a user with the same email", async () => {
    const other = await emailProject();
    const email = `${uniqueId("twin")}@example.com`;
    await registerUser(projectId, email);
    await registerUser(other, email);
    const { token } = await resetLink(email, other);
    expect((await flows.reset(token, NEW_PASSWORD)).error!.code).toBe("INVALID_TOKEN");
    expect((await flows.login(email, PASSWORD)).response.status).toBe(200);
    expect((await emailFlows(other).reset(token, NEW_PASSWORD)).response.status).toBe(200);
  });

  it("refuses a weak password with 400 and leaves the token usable", async () => {
    const user = await registerUser(projectId);
    const { token } = await resetLink(user.email);
    const weak = await flows.reset(token, "password");
    expect(weak.response.status).toBe(400);
    expect(weak.error!.details).toMatchObject([{ path: "password" }]);
    expect((await flows.reset(token, NEW_PASSWORD)).response.status).toBe(200);
  });

  it("lets exactly one of concurrent resets win", async () => {
    const user = await registerUser(projectId);
    const { token } = await resetLink(user.email);
    const passwords = ["first winner passphrase", "second winner passphrase", "third winner passphrase"];
    const { results, maxInFlight } = await race(passwords.map((p) => () => flows.reset(token, p)));
    // All three were inside the Worker at once; scrypt is synchronous in workerd, so they interleave at the D1 awaits around it.
    expect(maxInFlight).toBe(results.length);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401, 401]);
    const winner = passwords[results.findIndex((r) => r.response.status === 200)]!;
    expect((await flows.login(user.email, winner)).response.status).toBe(200);
  });

  it("clears the account's failed-login backoff, so the owner can log in at once", async () => {
    const user = await registerUser(projectId);
    const ip = { "CF-Connecting-IP": "198.51.100.120" };
    const fromIp = emailFlows(projectId, ip);
    for (let i = 0; i <= README_RULES["login.account_ip"].freeFailures; i++) await fromIp.login(user.email, "wrong-password-1");
    expect((await fromIp.login(user.email, PASSWORD)).response.status).toBe(429);
    expect((await fromIp.forgot(user.email)).response.status).toBe(200);
    const { token } = await latestLink(projectId, user.email);
    expect((await fromIp.reset(token, NEW_PASSWORD)).response.status).toBe(200);
    expect((await fromIp.login(user.email, NEW_PASSWORD)).response.status).toBe(200);
  });

  it("lets an invited user without a password set their first one", async () => {
    const project = await emailProject();
    const id = uniqueId("usr");
    const email = `${uniqueId("invited")}@example.com`;
    const at = new Date().toISOString();
    await env.DB.prepare(`INSERT INTO users (id, project_id, email, email_normalized, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .bind(id, project, email, email, at, at)
      .run();
    const { token } = await resetLink(email, project);
    expect((await emailFlows(project).reset(token, NEW_PASSWORD)).response.status).toBe(200);
    expect((await emailFlows(project).login(email, NEW_PASSWORD)).response.status).toBe(200);
  });

  it("forgets the user's tokens and mail when the user is deleted", async () => {
    const project = await createProject();
    await env.DB.prepare(`UPDATE projects SET redirect_urls = ? WHERE id = ?`)
      .bind(JSON.stringify([REDIRECT]), project)
      .run();
    const user = await registerUser(project);
    await resetLink(user.email, project);
    await env.DB.prepare(`DELETE FROM users WHERE id = ?`).bind(user.user.id).run();
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM one_time_tokens WHERE user_id = ?`).bind(user.user.id).first("n")).toBe(0);
    expect(await inbox(project, user.email)).toEqual([]);
  });
});
