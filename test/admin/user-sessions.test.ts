// An admin sees a user's live sessions and linked identities, and ends one session (audited, session.revoked event).
import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { insertIdentity } from "../../src/db/oauth.repo";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { bearer, createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";
import { eventTypes, fakeQueue, projectWithWebhook } from "../webhooks/support";

type Client = ReturnType<typeof adminClient>;
const USER = "/api/admin/projects/{projectId}/users/{userId}";
const SESSIONS = `${USER}/sessions` as const;
const SESSION = `${USER}/sessions/{sessionId}` as const;
const IDENTITIES = `${USER}/identities` as const;

let owner: Client;
let viewer: Client;
let projectId: string;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
  viewer = adminClient((await adminWithRole("viewer")).token);
  projectId = await createProject();
});
let queue: ReturnType<typeof fakeQueue>;
beforeEach(() => {
  queue = fakeQueue();
});
afterEach(() => {
  queue.restore();
  vi.useRealTimers();
});

const of = (userId: string, p = projectId) => ({ path: { projectId: p, userId } });
const login = (email: string, p = projectId) =>
  api.POST("/api/auth/{projectId}/login", { params: { path: { projectId: p } }, body: { email, password: PASSWORD } });

describe("GET /api/admin/projects/:projectId/users/:userId/sessions", () => {
  it("lists the live sessions, most recently used first, with amr and both expiries; ended ones drop out", async () => {
    const clock = fakeClock();
    const registered = await registerUser(projectId);
    clock.tick();
    const second = tokensOf((await login(registered.email)).data!.data);
    const { data, response } = await viewer.GET(SESSIONS, { params: of(registered.user.id) });
    expect(response.status).toBe(200);
    const sessions = data!.data;
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({ amr: ["pwd"] });
    expect(Date.parse(sessions[0]!.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(sessions[1]!.lastUsedAt));
    for (const s of sessions) {
      expect(Date.parse(s.expiresAt)).toBeLessThanOrEqual(Date.parse(s.absoluteExpiresAt));
      // No token field, and no value that is a refresh token (ids are random: match a value's start, not any substring).
      expect(JSON.stringify(s)).not.toMatch(/"rt_|token/i);
    }
    await bearer(second.accessToken).POST("/api/auth/{projectId}/logout", { params: { path: { projectId } }, body: { refreshToken: second.refreshToken } });
    expect((await viewer.GET(SESSIONS, { params: of(registered.user.id) })).data!.data).toHaveLength(1);
  });

  it("answers 404 for an unknown user and for another project's user", async () => {
    const other = await createProject();
    const foreign = await registerUser(other);
    for (const userId of ["usr_missing", foreign.user.id]) {
      const { response, error } = await viewer.GET(SESSIONS, { params: of(userId) });
      expect(response.status).toBe(404);
      expect(error!.code).toBe("NOT_FOUND");
    }
  });
});

describe("DELETE /api/admin/projects/:projectId/users/:userId/sessions/:sessionId", () => {
  it("ends that session only: its refresh token stops working, the other goes on; audited and a session.revoked event", async () => {
    const { projectId: hooked, admin } = await projectWithWebhook(["session.revoked"]);
    const registered = await registerUser(hooked);
    const second = tokensOf((await login(registered.email, hooked)).data!.data);
    const sessions = (await owner.GET(SESSIONS, { params: of(registered.user.id, hooked) })).data!.data;
    expect(sessions).toHaveLength(2);
    const before = (await eventTypes(hooked)).length;
    // Which session is the second login's: the one its refresh token stops working for.
    const target = sessions[0]!;
    const { data, response } = await admin.client.DELETE(SESSION, {
      params: { path: { projectId: hooked, userId: registered.user.id, sessionId: target.id } },
    });
    await admin.settled();
    expect(response.status).toBe(200);
    expect(data!.data).toEqual({ ended: true });
    const left = (await owner.GET(SESSIONS, { params: of(registered.user.id, hooked) })).data!.data;
    expect(left.map((s) => s.id)).toEqual([sessions[1]!.id]);
    const refreshed = await Promise.all(
      [registered.refreshToken, second.refreshToken].map((refreshToken) =>
        api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId: hooked } }, body: { refreshToken } }),
      ),
    );
    expect(refreshed.map((r) => r.response.status).sort()).toEqual([200, 401]);
    expect((await eventTypes(hooked)).slice(before)).toEqual(["session.revoked"]);
    expect(queue.take()).toHaveLength(1);
    const audit = await env.DB.prepare(`SELECT target_id, details FROM audit_log WHERE type = 'admin.user.session.end' AND project_id = ?`)
      .bind(hooked)
      .first<{ target_id: string; details: string }>();
    expect(audit).toMatchObject({ target_id: registered.user.id });
    expect(JSON.parse(audit!.details)).toEqual({ sessionId: target.id });
  });

  it("answers 404 for an ended session, another user's session and an unknown user, without an audit row; 403 for a viewer", async () => {
    const a = await registerUser(projectId);
    const b = await registerUser(projectId);
    const [bSession] = (await owner.GET(SESSIONS, { params: of(b.user.id) })).data!.data;
    const [aSession] = (await owner.GET(SESSIONS, { params: of(a.user.id) })).data!.data;
    const end = (client: Client, userId: string, sessionId: string) => client.DELETE(SESSION, { params: { path: { projectId, userId, sessionId } } });
    expect((await end(viewer, a.user.id, aSession!.id)).error!.code).toBe("FORBIDDEN");
    for (const [userId, sessionId] of [
      [a.user.id, bSession!.id],
      ["usr_missing", aSession!.id],
      [a.user.id, "ses_missing"],
    ] as const) {
      const { response, error } = await end(owner, userId, sessionId);
      expect(response.status).toBe(404);
      expect(error!.code).toBe("NOT_FOUND");
    }
    expect((await owner.GET(SESSIONS, { params: of(b.user.id) })).data!.data).toHaveLength(1);
    expect((await end(owner, a.user.id, aSession!.id)).response.status).toBe(200);
    expect((await end(owner, a.user.id, aSession!.id)).error!.code).toBe("NOT_FOUND");
    const audits = await env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE type = 'admin.user.session.end' AND project_id = ?`)
      .bind(projectId)
      .first<{ n: number }>();
    expect(audits!.n).toBe(1);
  });
});

describe("GET /api/admin/projects/:projectId/users/:userId/identities", () => {
  it("lists the linked social identities, oldest first; none for a password user; 404 for an unknown user", async () => {
    const registered = await registerUser(projectId);
    expect((await viewer.GET(IDENTITIES, { params: of(registered.user.id) })).data!.data).toEqual([]);
    const link = (provider: string, issuer: string, subject: string, at: string) =>
      insertIdentity(env.DB, { projectId, issuer, subject, provider, userId: registered.user.id, at }).run();
    await link("github", "https://github.com", "4242", "2026-01-02T00:00:00.000Z");
    await link("google", "https://accounts.google.com", "1102", "2026-01-01T00:00:00.000Z");
    const { data } = await viewer.GET(IDENTITIES, { params: of(registered.user.id) });
    expect(data!.data).toEqual([
      {
        provider: "google",
        issuer: "https://accounts.google.com",
        subject: "1102",
        linkedAt: "2026-01-01T00:00:00.000Z",
        lastLoginAt: "2026-01-01T00:00:00.000Z",
      },
      { provider: "github", issuer: "https://github.com", subject: "4242", linkedAt: "2026-01-02T00:00:00.000Z", lastLoginAt: "2026-01-02T00:00:00.000Z" },
    ]);
    expect((await viewer.GET(IDENTITIES, { params: of("usr_missing") })).error!.code).toBe("NOT_FOUND");
  });
});
