import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { iso } from "../../src/lib/clock";
import { RETENTION_RULES, type RetentionRule, runRetention } from "../../src/scheduled";
import { adminClient, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { createProject, registerUser, tokensOf, uniqueId } from "../helpers/fixtures";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

afterEach(() => {
  vi.useRealTimers();
});

/** Runs the Worker's Cron Trigger handler to completion, as the runtime would. */
async function cron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const exists = async (table: string, key: string, value: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${key} = ?`).bind(value).first<number>("n")) === 1;

/** One row of each table a rule covers, `age` ms past what the rule measures (expiry, or creation). */
async function seed(projectId: string, userId: string, age: number) {
  const t0 = Date.now();
  const at = iso(t0 - age);
  const ids = {
    session: uniqueId("ses"),
    link: uniqueId("ott"),
    state: uniqueId("st"),
    code: uniqueId("code"),
    challenge: uniqueId("wch"),
    outbox: uniqueId("msg"),
    mfa: uniqueId("mfa"),
    webhook: uniqueId("whk"),
    event: uniqueId("msg"),
    delivered: uniqueId("whd"),
    failed: uniqueId("whd"),
    address: `${uniqueId("pl")}@example.com`,
    client: uniqueId("cl"),
    request: uniqueId("azr"),
    authCode: uniqueId("ac"),
  };
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO sessions (id, project_id, user_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`).bind(
      ids.session,
      projectId,
      userId,
      at,
      at,
      at,
    ),
    env.DB.prepare(
      `INSERT INTO one_time_tokens (token_hash, project_id, user_id, purpose, email, created_at, expires_at) VALUES (?, ?, ?, 'verify_email', 'x@example.com', ?, ?)`,
    ).bind(ids.link, projectId, userId, at, at),
    env.DB.prepare(
      `INSERT INTO oauth_states (state_hash, project_id, provider, nonce_hash, verifier_box, redirect_uri, code_challenge, created_at, expires_at) VALUES (?, ?, 'github', 'n', 'v1.x.y', 'https://app.example.com/cb', 'c', ?, ?)`,
    ).bind(ids.state, projectId, at, at),
    env.DB.prepare(
      `INSERT INTO oauth_codes (code_hash, project_id, provider, user_id, code_challenge, created_at, expires_at) VALUES (?, ?, 'github', ?, 'c', ?, ?)`,
    ).bind(ids.code, projectId, userId, at, at),
    env.DB.prepare(
      `INSERT INTO oauth_clients (client_id, project_id, name, type, redirect_uris, created_at, updated_at) VALUES (?, ?, 'App', 'public', '["https://app.example.com/cb"]', ?, ?)`,
    ).bind(ids.client, projectId, at, at),
    env.DB.prepare(
      `INSERT INTO oauth2_requests (id, project_id, client_id, redirect_uri, scope, code_challenge, created_at, expires_at) VALUES (?, ?, ?, 'https://app.example.com/cb', 'openid', 'c', ?, ?)`,
    ).bind(ids.request, projectId, ids.client, at, at),
    env.DB.prepare(
      `INSERT INTO oauth2_codes (code_hash, project_id, client_id, user_id, redirect_uri, code_challenge, scope, amr, auth_time, created_at, expires_at) VALUES (?, ?, ?, ?, 'https://app.example.com/cb', 'c', 'openid', '["pwd"]', ?, ?, ?)`,
    ).bind(ids.authCode, projectId, ids.client, userId, at, at, at),
    env.DB.prepare(`INSERT INTO webauthn_challenges (id, project_id, purpose, challenge, created_at, expires_at) VALUES (?, ?, 'login', 'ch', ?, ?)`).bind(
      ids.challenge,
      projectId,
      at,
      at,
    ),
    env.DB.prepare(
      `INSERT INTO email_outbox (id, project_id, to_email, template, status, provider, subject, text_body, html_body, created_at, updated_at) VALUES (?, ?, 'x@example.com', 'verify_email', 'sent', 'dev', 'Verify', 'link https://x/?token=secret', '<p>link</p>', ?, ?)`,
    ).bind(ids.outbox, projectId, at, at),
    env.DB.prepare(`INSERT INTO mfa_challenges (token_hash, project_id, user_id, amr, created_at, expires_at) VALUES (?, ?, ?, '["pwd"]', ?, ?)`).bind(
      ids.mfa,
      projectId,
      userId,
      at,
      at,
    ),
    env.DB.prepare(
      `INSERT INTO passwordless_codes (project_id, email, salt, code_hash, link_hash, created_at, expires_at) VALUES (?, ?, 's', 'c', ?, ?, ?)`,
    ).bind(projectId, ids.address, uniqueId("link"), at, at),
    env.DB.prepare(
      `INSERT INTO webhooks (id, project_id, url, events, secret_box, created_at, updated_at) VALUES (?, ?, 'https://hooks.example.com/x', '["user.created"]', 'v1.x.y', ?, ?)`,
    ).bind(ids.webhook, projectId, at, at),
    env.DB.prepare(`INSERT INTO webhook_events (id, project_id, type, origin, data, created_at) VALUES (?, ?, 'user.created', ?, '{}', ?)`).bind(
      ids.event,
      projectId,
      ids.event,
      at,
    ),
    env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_id, status, attempts, delivered_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'delivered', 1, ?, ?, ?)`,
    ).bind(ids.delivered, projectId, ids.webhook, ids.event, at, at, at),
    env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_id, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'failed', 8, ?, ?)`,
    ).bind(ids.failed, projectId, ids.webhook, ids.event, at, at),
  ]);
  return ids;
}

async function auditAt(projectId: string | null, age: number): Promise<string> {
  const id = uniqueId("evt");
  await env.DB.prepare(`INSERT INTO audit_log (id, created_at, type, outcome, actor_type, project_id) VALUES (?, ?, 'test.event', 'success', 'system', ?)`)
    .bind(id, iso(Date.now() - age), projectId)
    .run();
  return id;
}

const lastRun = async () =>
  env.DB.prepare(`SELECT actor_type, project_id, details FROM audit_log WHERE type = 'system.retention' ORDER BY rowid DESC`).all<{
    actor_type: string;
    project_id: string | null;
    details: string;
  }>();

describe("retention (Cron Trigger)", () => {
  it("deletes what each rule's window has passed, keeps the rest, and audits each run once with its counts", async () => {
    const projectId = await createProject();
    const { user } = await registerUser(projectId);
    const old = await seed(projectId, user.id, 8 * DAY);
    const fresh = await seed(projectId, user.id, HOUR);
    const outboxAncient = await seed(projectId, user.id, 91 * DAY);

    await cron();

    for (const ids of [old, outboxAncient]) {
      expect(await exists("sessions", "id", ids.session)).toBe(false);
      expect(await exists("one_time_tokens", "token_hash", ids.link)).toBe(false);
      expect(await exists("oauth_states", "state_hash", ids.state)).toBe(false);
      expect(await exists("oauth_codes", "code_hash", ids.code)).toBe(false);
      expect(await exists("webauthn_challenges", "id", ids.challenge)).toBe(false);
      expect(await exists("oauth2_requests", "id", ids.request)).toBe(false);
      expect(await exists("oauth2_codes", "code_hash", ids.authCode)).toBe(false);
    }
    expect(await exists("sessions", "id", fresh.session)).toBe(true);
    expect(await exists("one_time_tokens", "token_hash", fresh.link)).toBe(true);
    expect(await exists("oauth_states", "state_hash", fresh.state)).toBe(true);
    expect(await exists("oauth_codes", "code_hash", fresh.code)).toBe(true);
    expect(await exists("webauthn_challenges", "id", fresh.challenge)).toBe(true);
    expect(await exists("oauth2_requests", "id", fresh.request)).toBe(true);
    expect(await exists("oauth2_codes", "code_hash", fresh.authCode)).toBe(true);
    // Second-factor challenges go a day after expiry, like the other challenges.
    expect(await exists("mfa_challenges", "token_hash", old.mfa)).toBe(false);
    expect(await exists("mfa_challenges", "token_hash", fresh.mfa)).toBe(true);
    expect(await exists("passwordless_codes", "email", old.address)).toBe(false);
    expect(await exists("passwordless_codes", "email", fresh.address)).toBe(true);
    // Webhook records are kept 30 days: a delivered one then goes, and its event with the failed one once nothing is pending.
    for (const ids of [old, fresh]) {
      expect(await exists("webhook_deliveries", "id", ids.delivered)).toBe(true);
      expect(await exists("webhook_events", "id", ids.event)).toBe(true);
    }
    expect(await exists("webhook_deliveries", "id", outboxAncient.delivered)).toBe(false);
    expect(await exists("webhook_events", "id", outboxAncient.event)).toBe(false);
    expect(await exists("webhook_deliveries", "id", outboxAncient.failed)).toBe(false);
    // Outbox: bodies go after 7 days (metadata stays), rows after 90.
    const outbox = (id: string) => env.DB.prepare(`SELECT subject, text_body, html_body, status FROM email_outbox WHERE id = ?`).bind(id).first();
    expect(await outbox(old.outbox)).toEqual({ subject: null, text_body: null, html_body: null, status: "sent" });
    expect((await outbox(fresh.outbox))!.text_body).toContain("token=secret");
    expect(await outbox(outboxAncient.outbox)).toBeNull();

    const runs = (await lastRun()).results;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ actor_type: "system", project_id: null });
    const report = JSON.parse(runs[0]!.details);
    expect(report).toMatchObject({ cron: "*/15 * * * *", complete: true });
    expect(report.counts).toMatchObject({
      emailLinksDeleted: 2,
      oauthStatesDeleted: 2,
      oauthCodesDeleted: 2,
      oidcRequestsDeleted: 2,
      oidcCodesDeleted: 2,
      webauthnChallengesDeleted: 2,
      mfaChallengesDeleted: 2,
      passwordlessCodesDeleted: 2,
      webhookDeliveriesDeleted: 1,
      webhookEventsDeleted: 2, // the event and its failed delivery: D1 counts rows a cascade deleted
      outboxRowsDeleted: 1,
    });
    expect(report.counts.sessionsDeleted).toBeGreaterThanOrEqual(2);
    expect(report.counts.outboxBodiesErased).toBeGreaterThanOrEqual(1);

    // Idempotent: a second run finds nothing more of it, and is audited on its own.
    await cron();
    const again = (await lastRun()).results;
    expect(again).toHaveLength(2);
    const second = JSON.parse(again[0]!.details).counts;
    expect(second).toMatchObject({
      emailLinksDeleted: 0,
      oauthStatesDeleted: 0,
      oauthCodesDeleted: 0,
      oidcRequestsDeleted: 0,
      oidcCodesDeleted: 0,
      webauthnChallengesDeleted: 0,
      outboxRowsDeleted: 0,
      outboxBodiesErased: 0,
    });
  });

  it("deletes audit rows past each project's auditRetentionDays (set through the Admin API), 90 by default", async () => {
    const short = await createProject();
    const standard = await createProject();
    const owner = adminClient(await ownerToken());
    const bad = await owner.PATCH("/api/admin/projects/{projectId}", { params: { path: { projectId: short } }, body: { auditRetentionDays: 0 } });
    expect(bad.response.status).toBe(400);
    const set = await owner.PATCH("/api/admin/projects/{projectId}", { params: { path: { projectId: short } }, body: { auditRetentionDays: 30 } });
    expect(set.response.status).toBe(200);
    expect(set.data!.data.auditRetentionDays).toBe(30);
    const got = await owner.GET("/api/admin/projects/{projectId}", { params: { path: { projectId: standard } } });
    expect(got.data!.data.auditRetentionDays).toBe(90);

    const rows = {
      shortOld: await auditAt(short, 31 * DAY),
      shortKept: await auditAt(short, 29 * DAY),
      standardKept: await auditAt(standard, 31 * DAY),
      standardOld: await auditAt(standard, 91 * DAY),
      deploymentKept: await auditAt(null, 91 * DAY),
      deploymentOld: await auditAt(null, 366 * DAY),
    };
    await cron();
    expect(await exists("audit_log", "id", rows.shortOld)).toBe(false);
    expect(await exists("audit_log", "id", rows.shortKept)).toBe(true);
    expect(await exists("audit_log", "id", rows.standardKept)).toBe(true);
    expect(await exists("audit_log", "id", rows.standardOld)).toBe(false);
    expect(await exists("audit_log", "id", rows.deploymentKept)).toBe(true);
    expect(await exists("audit_log", "id", rows.deploymentOld)).toBe(false);
  });

  it("deletes a signed-out session with its refresh rows a week after it ended, not before", async () => {
    const projectId = await createProject();
    const user = await registerUser(projectId);
    const sessionOf = await env.DB.prepare(`SELECT id FROM sessions WHERE user_id = ?`).bind(user.user.id).first<string>("id");
    const out = await api.POST("/api/auth/{projectId}/logout", { params: { path: { projectId } }, body: { refreshToken: tokensOf(user).refreshToken } });
    expect(out.response.status).toBe(200);
    const clock = fakeClock();
    clock.tick(6 * DAY);
    await cron();
    expect(await exists("sessions", "id", sessionOf!)).toBe(true);
    clock.tick(2 * DAY);
    await cron();
    expect(await exists("sessions", "id", sessionOf!)).toBe(false);
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?`).bind(sessionOf).first<number>("n")).toBe(0);
  });

  it("works in bounded batches: a run cut short says so, and later runs finish", async () => {
    const projectId = await createProject();
    const { user } = await registerUser(projectId);
    for (let i = 0; i < 3; i++) await seed(projectId, user.id, 8 * DAY);
    const first = await runRetention(env.DB, Date.now(), { rows: 1, sessions: 1, rounds: 2 });
    expect(first.complete).toBe(false);
    expect(first.counts.emailLinksDeleted).toBe(2);
    const rest = await runRetention(env.DB, Date.now(), { rows: 1, sessions: 1, rounds: 5 });
    expect(rest.counts.emailLinksDeleted).toBe(1);
    expect(rest.complete).toBe(true);
  });

  it("keeps going when one rule fails (each rule is its own transaction) and reports the failure", async () => {
    const projectId = await createProject();
    const { user } = await registerUser(projectId);
    const old = await seed(projectId, user.id, 8 * DAY);
    const broken: RetentionRule = { name: "broken", unit: "rows", sweep: (db) => [db.prepare(`DELETE FROM no_such_table`)] };
    const links = RETENTION_RULES.find((r) => r.name === "emailLinksDeleted")!;
    const report = await runRetention(env.DB, Date.now(), { rows: 10, sessions: 10, rounds: 2 }, [broken, links]);
    expect(Object.keys(report.failed)).toEqual(["broken"]);
    expect(report.counts.emailLinksDeleted).toBe(1);
    expect(await exists("one_time_tokens", "token_hash", old.link)).toBe(false);
  });
});
