import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/crypto/random";
import { fakeClock } from "../helpers/clock";
import { README_RULES } from "../helpers/documented-limits";
import { bearer, registerUser } from "../helpers/fixtures";
import { REDIRECT, auditRows, emailFlows, emailProject, inbox, latestLink } from "./mailbox";
import { raceTimes } from "../helpers/race";

let projectId: string;
let flows: ReturnType<typeof emailFlows>;
beforeAll(async () => {
  projectId = await emailProject();
  flows = emailFlows(projectId);
});
afterEach(() => {
  vi.useRealTimers();
});

const me = (accessToken: string, project = projectId) => bearer(accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId: project } } });

describe("POST /api/auth/:projectId/verify-email/send", () => {
  it("mails a link to the first redirect URL with the token and type, and keeps the message in the outbox", async () => {
    const user = await registerUser(projectId);
    const { data, response } = await flows.sendVerification(user.accessToken);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ sent: true });
    const link = await latestLink(projectId, user.email);
    expect(`${link.url.origin}${link.url.pathname}`).toBe(REDIRECT);
    expect(link.type).toBe("verify_email");
    expect(link.token).toMatch(/^verify_[\w-]{43}$/);
    expect(link.message).toMatchObject({ to: user.email, userId: user.user.id, template: "verify_email", status: "sent", provider: "dev", attempts: 1 });
    expect(link.message.subject).toContain(`Project ${projectId}`);
    expect(link.message.html).toContain(link.url.toString().replace(/&/g, "&amp;"));
  });

  it("answers 401 without an access token", async () => {
    const response = await emailFlows(projectId).sendVerification("not-a-token");
    expect(response.response.status).toBe(401);
  });

  it("stores the token only as its SHA-256", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    const { token } = await latestLink(projectId, user.email);
    const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM one_time_tokens WHERE user_id = ?`).bind(user.user.id).all()).results);
    expect(dump).not.toContain(token);
    expect(dump).toContain(await sha256Hex(token));
  });

  it("answers {sent: false} and sends nothing when the email is already verified", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    await flows.confirm((await latestLink(projectId, user.email)).token);
    const { data, response } = await flows.sendVerification(user.accessToken);
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ sent: false });
    expect(await inbox(projectId, user.email)).toHaveLength(1);
  });

  it("uses the requested redirect URL when it is on the allow-list, keeping its own query", async () => {
    const project = await emailProject([REDIRECT, "https://app.example.com/verify?app=ios"]);
    const user = await registerUser(project);
    expect((await emailFlows(project).sendVerification(user.accessToken, { redirectUrl: "https://app.example.com/verify?app=ios" })).response.status).toBe(200);
    const { url } = await latestLink(project, user.email);
    expect(url.origin + url.pathname).toBe("https://app.example.com/verify");
    expect([...url.searchParams.keys()]).toEqual(["app", "token", "type"]);
    expect(url.searchParams.get("app")).toBe("ios");
  });

  it("refuses a redirect URL that is not on the allow-list with 400 naming redirectUrl, and sends nothing", async () => {
    const user = await registerUser(projectId);
    for (const redirectUrl of ["https://evil.example.com/auth/callback", `${REDIRECT}/`, `${REDIRECT}?x=1`]) {
      const { error, response } = await flows.sendVerification(user.accessToken, { redirectUrl });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "redirectUrl" }] });
    }
    expect(await inbox(projectId, user.email)).toEqual([]);
  });

  it("answers 400 with a clear message when the project has no redirect URL configured", async () => {
    const project = await emailProject([]);
    const user = await registerUser(project);
    const { error, response } = await emailFlows(project).sendVerification(user.accessToken);
    expect(response.status).toBe(400);
    expect(error!.code).toBe("VALIDATION_ERROR");
    expect(error!.error).toMatch(/no redirect URL is configured/);
    expect(await inbox(project, user.email)).toEqual([]);
    expect((await auditRows(project, "auth.email_verification.sent"))[0]).toMatchObject({ outcome: "failure", details: { reason: "no_redirect_url" } });
  });

  it(`limits sends per account: after ${README_RULES["email.account"].limit} an hour, 429 with Retry-After`, async () => {
    const user = await registerUser(projectId);
    for (let i = 0; i < README_RULES["email.account"].limit; i++) expect((await flows.sendVerification(user.accessToken)).response.status).toBe(200);
    const { error, response } = await flows.sendVerification(user.accessToken);
    expect(response.status).toBe(429);
    expect(error!.code).toBe("RATE_LIMITED");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await inbox(projectId, user.email)).toHaveLength(README_RULES["email.account"].limit);
  });

  it("limits sends per client IP across accounts", async () => {
    const project = await emailProject();
    await env.DB.prepare(`UPDATE projects SET rate_limits = ? WHERE id = ?`)
      .bind(JSON.stringify({ "email.ip": { kind: "window", limit: 2, windowSeconds: 3600 } }), project)
      .run();
    const fromIp = emailFlows(project, { "CF-Connecting-IP": "198.51.100.77" });
    const users = [await registerUser(project), await registerUser(project), await registerUser(project)];
    expect((await fromIp.sendVerification(users[0]!.accessToken)).response.status).toBe(200);
    expect((await fromIp.sendVerification(users[1]!.accessToken)).response.status).toBe(200);
    expect((await fromIp.sendVerification(users[2]!.accessToken)).response.status).toBe(429);
    expect((await emailFlows(project, { "CF-Connecting-IP": "198.51.100.78" }).sendVerification(users[2]!.accessToken)).response.status).toBe(200);
  });

  it("HTML-escapes values in the HTML part and keeps the subject on one line", async () => {
    const user = await registerUser(projectId);
    // The project name: a display name never reaches an unverified address (test/email/display-name-in-emails.test.ts).
    await env.DB.prepare(`UPDATE projects SET name = ? WHERE id = ?`).bind(`<script>alert("x")</script>\r\nBcc: victim@example.com`, projectId).run();
    await flows.sendVerification(user.accessToken);
    await env.DB.prepare(`UPDATE projects SET name = ? WHERE id = ?`).bind(`Project ${projectId}`, projectId).run();
    const { message } = await latestLink(projectId, user.email);
    expect(message.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(message.html).not.toContain("<script>");
    expect(message.text).toContain(`<script>alert("x")</script>`);
    expect(message.subject).toBe(`Confirm your email address for <script>alert("x")</script> Bcc: victim@example.com`);
  });
});

describe("POST /api/auth/:projectId/verify-email/confirm", () => {
  it("verifies the email end to end: the token from the mailed link sets emailVerified", async () => {
    const user = await registerUser(projectId);
    expect((await me(user.accessToken)).data!.data.emailVerified).toBe(false);
    await flows.sendVerification(user.accessToken);
    const { token } = await latestLink(projectId, user.email);
    const { data, response } = await flows.confirm(token);
    expect(response.status).toBe(200);
    expect(data!.data).toMatchObject({ verified: true, user: { id: user.user.id, email: user.email, emailVerified: true } });
    expect((await me(user.accessToken)).data!.data.emailVerified).toBe(true);
  });

  it("audits sending and confirming, never with the token", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    const { token, message } = await latestLink(projectId, user.email);
    await flows.confirm(token);
    const sent = (await auditRows(projectId, "auth.email_verification.sent")).filter((r) => r.actor_id === user.user.id);
    const confirmed = (await auditRows(projectId, "auth.email_verification.confirmed")).filter((r) => r.actor_id === user.user.id);
    expect(sent).toMatchObject([{ outcome: "success", target_id: user.user.id, details: { outboxId: message.id } }]);
    expect(confirmed).toMatchObject([{ outcome: "success", target_id: user.user.id }]);
    const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ?`).bind(projectId).all()).results);
    expect(dump).not.toContain(token);
  });

  it("is single use: the same token again is 401 INVALID_TOKEN", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    const { token } = await latestLink(projectId, user.email);
    expect((await flows.confirm(token)).response.status).toBe(200);
    const again = await flows.confirm(token);
    expect(again.response.status).toBe(401);
    expect(again.error!.code).toBe("INVALID_TOKEN");
  });

  it("lets exactly one of concurrent confirmations win", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    const { token } = await latestLink(projectId, user.email);
    const { results, maxInFlight } = await raceTimes(8, () => flows.confirm(token));
    expect(maxInFlight).toBe(results.length);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
  });

  it("makes the user's other verification links stop working once one is used", async () => {
    const user = await registerUser(projectId);
    const clock = fakeClock();
    await flows.sendVerification(user.accessToken);
    const first = await latestLink(projectId, user.email);
    // A later millisecond, so "the newest message" is the second one, never a tie with the first.
    clock.tick();
    await flows.sendVerification(user.accessToken);
    const second = await latestLink(projectId, user.email);
    expect(second.token).not.toBe(first.token);
    expect((await flows.confirm(second.token)).response.status).toBe(200);
    expect((await flows.confirm(first.token)).error!.code).toBe("INVALID_TOKEN");
  });

  it("works until 24 hours have passed, then answers 401 TOKEN_EXPIRED", async () => {
    const [early, late] = [await registerUser(projectId), await registerUser(projectId)];
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    await flows.sendVerification(early.accessToken);
    await flows.sendVerification(late.accessToken);
    const [earlyLink, lateLink] = [await latestLink(projectId, early.email), await latestLink(projectId, late.email)];
    vi.setSystemTime(start + 24 * 3600_000 - 60_000);
    expect((await flows.confirm(earlyLink.token)).response.status).toBe(200);
    vi.setSystemTime(start + 24 * 3600_000 + 1000);
    const expired = await flows.confirm(lateLink.token);
    expect(expired.response.status).toBe(401);
    expect(expired.error!.code).toBe("TOKEN_EXPIRED");
  });

  it("refuses a token of another project with 401 INVALID_TOKEN, and leaves it usable in its own", async () => {
    const other = await emailProject();
    const user = await registerUser(other);
    await emailFlows(other).sendVerification(user.accessToken);
    const { token } = await latestLink(other, user.email);
    const refused = await flows.confirm(token);
    expect(refused.response.status).toBe(401);
    expect(refused.error!.code).toBe("INVALID_TOKEN");
    expect((await emailFlows(other).confirm(token)).response.status).toBe(200);
  });

  it("refuses a token mailed to an address the user no longer has", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    const { token } = await latestLink(projectId, user.email);
    const changed = `changed-${user.email}`;
    await env.DB.prepare(`UPDATE users SET email = ?, email_normalized = ? WHERE id = ?`).bind(changed, changed, user.user.id).run();
    expect((await flows.confirm(token)).error!.code).toBe("INVALID_TOKEN");
    expect(await env.DB.prepare(`SELECT email_verified FROM users WHERE id = ?`).bind(user.user.id).first("email_verified")).toBe(0);
  });

  it("refuses garbage with 401 INVALID_TOKEN and an empty token with 400", async () => {
    expect((await flows.confirm("verify_not-a-real-token")).error!.code).toBe("INVALID_TOKEN");
    expect((await flows.confirm("")).response.status).toBe(400);
  });

  it("answers 403 USER_DISABLED for a disabled user, without spending the token", async () => {
    const user = await registerUser(projectId);
    await flows.sendVerification(user.accessToken);
    const { token } = await latestLink(projectId, user.email);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(user.user.id).run();
    expect((await flows.confirm(token)).error!.code).toBe("USER_DISABLED");
    await env.DB.prepare(`UPDATE users SET disabled = 0 WHERE id = ?`).bind(user.user.id).run();
    expect((await flows.confirm(token)).response.status).toBe(200);
  });
});
