import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/crypto/random";
import { REUSE_GRACE_MS } from "../../src/config";
import { api } from "../helpers/client";
import { PASSWORD, bearer, createProject, registerUser, tokensOf } from "../helpers/fixtures";
import { raceTimes } from "../helpers/race";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});
afterEach(() => {
  vi.useRealTimers();
});

const params = () => ({ path: { projectId } });
const refresh = (refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { params: params(), body: { refreshToken } });
const me = (accessToken: string) => bearer(accessToken).GET("/api/auth/{projectId}/me", { params: params() });

async function liveChains(sessionId: string) {
  return env.DB.prepare(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ? AND rotated_at IS NULL`).bind(sessionId).first<number>("n");
}
async function sessionOf(refreshToken: string) {
  return env.DB.prepare(`SELECT s.* FROM sessions s JOIN refresh_tokens t ON t.session_id = s.id WHERE t.token_hash = ?`)
    .bind(await sha256Hex(refreshToken))
    .first<{ id: string; revoked_at: string | null; revoked_reason: string | null }>();
}

describe("POST /api/auth/:projectId/refresh", () => {
  it("rotates: returns a new pair, and the new access token works", async () => {
    const user = await registerUser(projectId);
    const { data, response } = await refresh(user.refreshToken);
    expect(response.status).toBe(200);
    expect(data!.data.refreshToken).not.toBe(user.refreshToken);
    expect((await me(data!.data.accessToken)).response.status).toBe(200);
  });

  it("stores refresh tokens only as hashes", async () => {
    const user = await registerUser(projectId);
    const stored = await env.DB.prepare(`SELECT token_hash FROM refresh_tokens WHERE token_hash = ?`)
      .bind(await sha256Hex(user.refreshToken))
      .first();
    expect(stored).not.toBeNull();
    const dump = JSON.stringify((await env.DB.prepare(`SELECT * FROM refresh_tokens`).all()).results);
    expect(dump).not.toContain(user.refreshToken);
  });

  it("gives a duplicate inside the grace window the same successor, without a second chain", async () => {
    const user = await registerUser(projectId);
    const first = await refresh(user.refreshToken);
    const second = await refresh(user.refreshToken);
    expect(second.response.status).toBe(200);
    expect(second.data!.data.refreshToken).toBe(first.data!.data.refreshToken);
    const session = await sessionOf(user.refreshToken);
    expect(await liveChains(session!.id)).toBe(1);
  });

  it("survives 20 concurrent refreshes of one token: no 5xx, one live chain, still logged in", async () => {
    const user = await registerUser(projectId);
    const { results, maxInFlight } = await raceTimes(20, () => refresh(user.refreshToken));
    expect(maxInFlight).toBe(results.length);
    const statuses = results.map((r) => r.response.status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const successors = new Set(results.map((r) => r.data!.data.refreshToken));
    expect(successors.size).toBe(1);
    const session = await sessionOf(user.refreshToken);
    expect(session!.revoked_at).toBeNull();
    expect(await liveChains(session!.id)).toBe(1);
    const winners = await env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE type = 'auth.refresh' AND outcome = 'success' AND target_id = ?`)
      .bind(session!.id)
      .first("n");
    expect(winners).toBe(1);
    const next = await refresh([...successors][0]!);
    expect(next.response.status).toBe(200);
    expect((await me(next.data!.data.accessToken)).response.status).toBe(200);
  });

  it("treats a spent token replayed after the grace window as theft: 401 REFRESH_TOKEN_REUSED, session revoked", async () => {
    const user = await registerUser(projectId);
    const rotated = await refresh(user.refreshToken);
    vi.useFakeTimers({ now: Date.now() + REUSE_GRACE_MS + 1000, toFake: ["Date"] });
    const replay = await refresh(user.refreshToken);
    expect(replay.response.status).toBe(401);
    expect(replay.error!.code).toBe("REFRESH_TOKEN_REUSED");
    expect((await sessionOf(user.refreshToken))!.revoked_reason).toBe("refresh_token_reused");
    // The legitimate holder's successor and access token die with the session.
    expect((await refresh(rotated.data!.data.refreshToken)).error!.code).toBe("INVALID_TOKEN");
    expect((await me(rotated.data!.data.accessToken)).error!.code).toBe("INVALID_TOKEN");
    const audit = await env.DB.prepare(`SELECT outcome FROM audit_log WHERE type = 'auth.refresh.reuse' AND actor_id = ?`).bind(user.user.id).first("outcome");
    expect(audit).toBe("blocked");
  });

  it("answers 401 INVALID_TOKEN for an unknown token and 401 TOKEN_EXPIRED for an expired one", async () => {
    expect((await refresh("rt_unknown")).error!.code).toBe("INVALID_TOKEN");
    const user = await registerUser(projectId);
    vi.useFakeTimers({ now: Date.now() + 31 * 24 * 3600 * 1000, toFake: ["Date"] });
    const expired = await refresh(user.refreshToken);
    expect(expired.response.status).toBe(401);
    expect(expired.error!.code).toBe("TOKEN_EXPIRED");
  });

  it("refuses a refresh token of another project", async () => {
    const other = await createProject();
    const user = await registerUser(other);
    expect((await refresh(user.refreshToken)).error!.code).toBe("INVALID_TOKEN");
  });

  it("refuses a disabled user with 403 USER_DISABLED and revokes their sessions", async () => {
    const user = await registerUser(projectId);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(user.user.id).run();
    const res = await refresh(user.refreshToken);
    expect(res.response.status).toBe(403);
    expect(res.error!.code).toBe("USER_DISABLED");
    expect((await sessionOf(user.refreshToken))!.revoked_reason).toBe("user_disabled");
  });
});

describe("POST /api/auth/:projectId/logout", () => {
  it("ends the session, and is idempotent", async () => {
    const user = await registerUser(projectId);
    const body = { refreshToken: user.refreshToken };
    expect((await api.POST("/api/auth/{projectId}/logout", { params: params(), body })).data!.data.loggedOut).toBe(true);
    expect((await api.POST("/api/auth/{projectId}/logout", { params: params(), body })).response.status).toBe(200);
    expect((await api.POST("/api/auth/{projectId}/logout", { params: params(), body: { refreshToken: "rt_unknown" } })).response.status).toBe(200);
    expect((await refresh(user.refreshToken)).error!.code).toBe("INVALID_TOKEN");
    expect((await me(user.accessToken)).error!.code).toBe("INVALID_TOKEN");
  });
});

describe("GET and DELETE /api/auth/:projectId/sessions", () => {
  it("lists the user's live sessions with device details and ends one of them", async () => {
    const user = await registerUser(projectId);
    const second = await api.POST("/api/auth/{projectId}/login", {
      params: params(),
      body: { email: user.email, password: PASSWORD },
      headers: { "User-Agent": "phone-app/2.0" },
    });
    const client = bearer(user.accessToken);
    const { data } = await client.GET("/api/auth/{projectId}/sessions", { params: params() });
    expect(data!.data).toHaveLength(2);
    const phone = data!.data.find((s) => s.userAgent === "phone-app/2.0")!;
    expect(phone.current).toBe(false);
    expect(data!.data.filter((s) => s.current)).toHaveLength(1);
    const ended = await client.DELETE("/api/auth/{projectId}/sessions/{sessionId}", { params: { path: { projectId, sessionId: phone.id } } });
    expect(ended.data!.data.ended).toBe(true);
    expect((await refresh(tokensOf(second.data!.data).refreshToken)).error!.code).toBe("INVALID_TOKEN");
    const again = await client.DELETE("/api/auth/{projectId}/sessions/{sessionId}", { params: { path: { projectId, sessionId: phone.id } } });
    expect(again.response.status).toBe(404);
  });

  it("cannot end another user's session", async () => {
    const alice = await registerUser(projectId);
    const bob = await registerUser(projectId);
    const bobSession = await sessionOf(bob.refreshToken);
    const res = await bearer(alice.accessToken).DELETE("/api/auth/{projectId}/sessions/{sessionId}", {
      params: { path: { projectId, sessionId: bobSession!.id } },
    });
    expect(res.response.status).toBe(404);
    expect((await sessionOf(bob.refreshToken))!.revoked_at).toBeNull();
  });
});

describe("POST /api/auth/:projectId/me/password", () => {
  it("changes the password with the current one and ends every other session", async () => {
    const user = await registerUser(projectId);
    const other = await api.POST("/api/auth/{projectId}/login", { params: params(), body: { email: user.email, password: PASSWORD } });
    const client = bearer(user.accessToken);
    const wrong = await client.POST("/api/auth/{projectId}/me/password", {
      params: params(),
      body: { currentPassword: "wrong-password-1", newPassword: "a brand new passphrase" },
    });
    expect(wrong.response.status).toBe(401);
    expect(wrong.error!.code).toBe("INVALID_CREDENTIALS");
    const common = await client.POST("/api/auth/{projectId}/me/password", { params: params(), body: { currentPassword: PASSWORD, newPassword: "iloveyou" } });
    expect(common.response.status).toBe(400);
    const ok = await client.POST("/api/auth/{projectId}/me/password", {
      params: params(),
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(ok.data!.data.otherSessionsEnded).toBe(1);
    expect((await refresh(tokensOf(other.data!.data).refreshToken)).error!.code).toBe("INVALID_TOKEN");
    expect((await me(user.accessToken)).response.status).toBe(200);
    const login = (password: string) => api.POST("/api/auth/{projectId}/login", { params: params(), body: { email: user.email, password } });
    expect((await login(PASSWORD)).response.status).toBe(401);
    expect((await login("a brand new passphrase")).response.status).toBe(200);
  });
});
