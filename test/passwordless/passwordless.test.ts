import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { auditRows, emailFlows, inbox } from "../email/mailbox";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { PASSWORD, createProject, registerUser, tokensOf, uniqueId } from "../helpers/fixtures";
import { raceTimes } from "../helpers/race";
import { REDIRECT, claims, latestLink, mailedCode, otherCode, passwordless, passwordlessProject, setPasswordless, startAndRead } from "./helpers";

let projectId: string;
let flows: ReturnType<typeof passwordless>;
beforeAll(async () => {
  projectId = await passwordlessProject();
  flows = passwordless(projectId);
});
afterEach(() => {
  vi.useRealTimers();
});

const newEmail = () => `${uniqueId("pl")}@example.com`;
const userRow = (project: string, email: string) =>
  env.DB.prepare(`SELECT * FROM users WHERE project_id = ? AND email_normalized = ?`)
    .bind(project, email.toLowerCase())
    .first<{ id: string; email_verified: number; password_hash: string | null }>();

describe("passwordless sign-in with an emailed code", () => {
  it("creates the user on first use, verified, and signs in with amr [email]", async () => {
    const email = newEmail();
    const { data, response } = await flows.start(email);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ sent: true });
    const [message] = await inbox(projectId, email);
    expect(message).toMatchObject({ template: "passwordless", status: "sent", userId: null });
    expect(message!.text).toContain("10 minutes");
    expect(message!.text).not.toContain("token="); // no redirectUrl: a code-only email
    expect(message!.html).not.toContain("{{link}}");
    const code = await mailedCode(projectId, email);
    expect(await userRow(projectId, email)).toBeNull();

    const verified = await flows.verifyCode(email, code);
    expect(verified.response.status).toBe(200);
    const tokens = tokensOf(verified.data!.data);
    expect(tokens.user).toMatchObject({ email, emailVerified: true });
    expect(claims(tokens.accessToken)).toMatchObject({ amr: ["email"], sub: tokens.user.id });
    expect(await userRow(projectId, email)).toMatchObject({ id: tokens.user.id, email_verified: 1, password_hash: null });
    const me = await api.GET("/api/auth/{projectId}/me", { params: { path: { projectId } }, headers: { Authorization: `Bearer ${tokens.accessToken}` } });
    expect(me.response.status).toBe(200);

    expect((await auditRows(projectId, "auth.passwordless.start")).at(-1)).toMatchObject({ outcome: "success" });
    expect((await auditRows(projectId, "auth.passwordless.verify")).at(-1)).toMatchObject({
      outcome: "success",
      target_id: tokens.user.id,
      details: { via: "code", newAccount: true },
    });
    // Spent: the same code does not work twice.
    expect((await flows.verifyCode(email, code)).error).toMatchObject({ code: "INVALID_CODE" });
  });

  it("signs an existing user in and verifies the address; a password set before the address was proven is removed and its sessions end", async () => {
    const user = await registerUser(projectId);
    expect(user.user.emailVerified).toBe(false);
    const code = await startAndRead(projectId, user.email.toUpperCase());
    const verified = await flows.verifyCode(user.email, code);
    expect(verified.response.status).toBe(200);
    const tokens = tokensOf(verified.data!.data);
    expect(tokens.user).toMatchObject({ id: user.user.id, emailVerified: true });
    expect((await inbox(projectId, user.email))[0]!.userId).toBe(user.user.id);
    // The squatter's way in is gone: the old session and the unproven password.
    const old = await api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: user.refreshToken } });
    expect(old.response.status).toBe(401);
    expect((await emailFlows(projectId).login(user.email, PASSWORD)).response.status).toBe(401);
  });

  it("keeps the password of a user whose address was already verified", async () => {
    const user = await registerUser(projectId);
    await env.DB.prepare(`UPDATE users SET email_verified = 1 WHERE id = ?`).bind(user.user.id).run();
    const code = await startAndRead(projectId, user.email);
    expect((await flows.verifyCode(user.email, code)).response.status).toBe(200);
    expect((await emailFlows(projectId).login(user.email, PASSWORD)).response.status).toBe(200);
    const old = await api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: user.refreshToken } });
    expect(old.response.status).toBe(200);
  });

  it("a new start replaces the previous code", async () => {
    const email = newEmail();
    const first = await startAndRead(projectId, email);
    let second = await startAndRead(projectId, email);
    while (second === first) second = await startAndRead(projectId, email);
    expect((await flows.verifyCode(email, first)).error).toMatchObject({ code: "INVALID_CODE" });
    expect((await flows.verifyCode(email, second)).response.status).toBe(200);
  });

  it("five wrong codes spend the code: the right one then fails too", async () => {
    const email = newEmail();
    const code = await startAndRead(projectId, email);
    for (let i = 0; i < 5; i++) {
      const wrong = await flows.verifyCode(email, otherCode(code));
      expect(wrong.response.status).toBe(401);
      expect(wrong.error).toMatchObject({ code: "INVALID_CODE" });
    }
    expect((await flows.verifyCode(email, code)).error).toMatchObject({ code: "INVALID_CODE" });
    const reasons = (await auditRows(projectId, "auth.passwordless.verify")).slice(-6).map((r) => r.details.reason);
    expect(reasons).toEqual(["wrong_code", "wrong_code", "wrong_code", "wrong_code", "attempts_exhausted", "no_live_code"]);
    // The code and the link are one attempt: the link is spent too.
    expect(
      await env.DB.prepare(`SELECT used_at FROM passwordless_codes WHERE project_id = ? AND email = ?`).bind(projectId, email).first("used_at"),
    ).not.toBeNull();
  });

  it("a code expires after 10 minutes", async () => {
    const clock = fakeClock();
    const email = newEmail();
    const code = await startAndRead(projectId, email);
    clock.tick(10 * 60_000 + 1);
    expect((await flows.verifyCode(email, code)).error).toMatchObject({ code: "INVALID_CODE" });
  });

  it("works just before it expires", async () => {
    const clock = fakeClock();
    const email = newEmail();
    const code = await startAndRead(projectId, email);
    clock.tick(10 * 60_000 - 1000);
    expect((await flows.verifyCode(email, code)).response.status).toBe(200);
  });

  it("the same code verified twice at once signs in exactly once", async () => {
    const email = newEmail();
    const code = await startAndRead(projectId, email);
    const { results, maxInFlight } = await raceTimes(4, () => flows.verifyCode(email, code));
    expect(maxInFlight).toBe(4);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401, 401, 401]);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE project_id = ? AND email_normalized = ?`).bind(projectId, email).first("n")).toBe(1);
  });

  it("the same link verified at once signs in exactly once, for an existing user too", async () => {
    const user = await registerUser(projectId);
    await flows.start(user.email, REDIRECT);
    const { token } = await latestLink(projectId, user.email);
    const { results, maxInFlight } = await raceTimes(4, () => flows.verifyLink(token));
    expect(maxInFlight).toBe(4);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401, 401, 401]);
    const sessions = await env.DB.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE project_id = ? AND user_id = ? AND amr = '["email"]'`)
      .bind(projectId, user.user.id)
      .first("n");
    expect(sessions).toBe(1);
  });

  it("a disabled user gets USER_DISABLED only after a correct code", async () => {
    const user = await registerUser(projectId);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(user.user.id).run();
    const code = await startAndRead(projectId, user.email);
    expect((await flows.verifyCode(user.email, otherCode(code))).error).toMatchObject({ code: "INVALID_CODE" });
    const right = await flows.verifyCode(user.email, code);
    expect(right.response.status).toBe(403);
    expect(right.error).toMatchObject({ code: "USER_DISABLED" });
  });

  it("a code of project A does not sign in to project B", async () => {
    const other = await passwordlessProject();
    const email = newEmail();
    const code = await startAndRead(projectId, email);
    await passwordless(other).start(email);
    expect((await passwordless(other).verifyCode(email, code)).error).toMatchObject({ code: "INVALID_CODE" });
    expect((await flows.verifyCode(email, code)).response.status).toBe(200);
  });
});

describe("passwordless sign-in with the emailed link", () => {
  it("the link signs in once, and spends the code", async () => {
    const email = newEmail();
    expect((await flows.start(email, REDIRECT)).response.status).toBe(200);
    const link = await latestLink(projectId, email);
    expect(link.url.origin + link.url.pathname).toBe(REDIRECT);
    expect(link.type).toBe("passwordless");
    expect(link.token).toMatch(/^pl_[\w-]{43}$/);
    const code = await mailedCode(projectId, email);

    const first = await flows.verifyLink(link.token);
    expect(first.response.status).toBe(200);
    const tokens = tokensOf(first.data!.data);
    expect(claims(tokens.accessToken).amr).toEqual(["email"]);
    expect(tokens.user).toMatchObject({ email, emailVerified: true });
    expect((await flows.verifyLink(link.token)).error).toMatchObject({ code: "INVALID_TOKEN" });
    expect((await flows.verifyCode(email, code)).error).toMatchObject({ code: "INVALID_CODE" });
  });

  it("a link of project A is unknown in project B; an unknown link is refused", async () => {
    const other = await passwordlessProject();
    const email = newEmail();
    await flows.start(email, REDIRECT);
    const { token } = await latestLink(projectId, email);
    expect((await passwordless(other).verifyLink(token)).error).toMatchObject({ code: "INVALID_TOKEN" });
    expect((await flows.verifyLink("pl_not-a-real-token")).error).toMatchObject({ code: "INVALID_TOKEN" });
    expect((await flows.verifyLink(token)).response.status).toBe(200);
  });

  it("a redirectUrl not on the allow-list is 400 VALIDATION_ERROR and sends nothing", async () => {
    const email = newEmail();
    const { response, error } = await flows.start(email, "https://evil.example.com/cb");
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "redirectUrl" }] });
    expect(await inbox(projectId, email)).toEqual([]);
  });
});

describe("no enumeration", () => {
  it("answers the same for an existing, a disabled and an unknown address; with sign-up closed nothing goes to the unknown one", async () => {
    const closed = await passwordlessProject();
    const existing = await registerUser(closed);
    const disabled = await registerUser(closed);
    await setPasswordless(closed, { allowSignUp: false });
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(disabled.user.id).run();
    const unknown = newEmail();
    const answers = [];
    for (const email of [existing.email, disabled.email, unknown]) {
      const { response, data } = await passwordless(closed).start(email);
      answers.push({ status: response.status, body: data });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await inbox(closed, existing.email)).toHaveLength(1);
    expect(await inbox(closed, disabled.email)).toHaveLength(1);
    expect(await inbox(closed, unknown)).toEqual([]);
    // The same writes: a pending attempt exists for the unknown address too, but it signs nobody in.
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM passwordless_codes WHERE project_id = ? AND email = ?`).bind(closed, unknown).first("n")).toBe(1);
    expect((await auditRows(closed, "auth.passwordless.start")).at(-1)).toMatchObject({ outcome: "failure", details: { reason: "sign_up_disabled" } });
    expect((await passwordless(closed).verifyCode(unknown, "123456")).error).toMatchObject({ code: "INVALID_CODE" });
  });
});

describe("the passwordless setting", () => {
  it("both routes answer 403 METHOD_DISABLED when it is off", async () => {
    const off = await createProject();
    const client = passwordless(off);
    const start = await client.start(newEmail());
    expect(start.response.status).toBe(403);
    expect(start.error).toMatchObject({ code: "METHOD_DISABLED" });
    expect((await client.verifyCode(newEmail(), "123456")).error).toMatchObject({ code: "METHOD_DISABLED" });
    expect((await client.verifyLink("pl_x")).error).toMatchObject({ code: "METHOD_DISABLED" });
  });

  it("turning it off stops a code already mailed", async () => {
    const project = await passwordlessProject();
    const email = newEmail();
    const code = await startAndRead(project, email);
    await setPasswordless(project, { passwordless: false });
    expect((await passwordless(project).verifyCode(email, code)).error).toMatchObject({ code: "METHOD_DISABLED" });
  });
});
