import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/crypto/random";
import { adminClient, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { bearer, createProject, registerUser } from "../helpers/fixtures";

const DAY = 24 * 3600 * 1000;
const DEFAULT_MAX_AGE = 90 * 24 * 3600;

afterEach(() => {
  vi.useRealTimers();
});

const inProject = (projectId: string) => ({ params: { path: { projectId } } });
const refresh = (projectId: string, refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { ...inProject(projectId), body: { refreshToken } });
const sessions = (projectId: string, accessToken: string) => bearer(accessToken).GET("/api/auth/{projectId}/sessions", inProject(projectId));
/** PATCHes the project as the owner; logs in afresh, since fake time may have ended an earlier admin session. */
const patchProject = async (projectId: string, body: { sessionMaxAge?: number; refreshTokenTtl?: number }) =>
  adminClient(await ownerToken()).PATCH("/api/admin/projects/{projectId}", { ...inProject(projectId), body });

async function sessionOf(refreshToken: string) {
  return env.DB.prepare(`SELECT s.* FROM sessions s JOIN refresh_tokens t ON t.session_id = s.id WHERE t.token_hash = ?`)
    .bind(await sha256Hex(refreshToken))
    .first<{ id: string; created_at: string; expires_at: string; revoked_at: string | null; revoked_reason: string | null }>();
}

describe("absolute session lifetime (sessionMaxAge)", () => {
  it("defaults to 90 days in the project settings and bounds what an admin may set", async () => {
    const projectId = await createProject();
    const owner = adminClient(await ownerToken());
    const { data } = await owner.GET("/api/admin/projects/{projectId}", inProject(projectId));
    expect(data!.data.sessionMaxAge).toBe(DEFAULT_MAX_AGE);
    for (const sessionMaxAge of [3599, 31536001, 1.5]) {
      const res = await patchProject(projectId, { sessionMaxAge });
      expect(res.response.status).toBe(400);
      expect(res.error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "sessionMaxAge" }] });
    }
    const changed = await patchProject(projectId, { sessionMaxAge: 86400 });
    expect(changed.data!.data.sessionMaxAge).toBe(86400);
    const audit = await env.DB.prepare(`SELECT details FROM audit_log WHERE type = 'admin.project.update' AND project_id = ? ORDER BY rowid DESC LIMIT 1`)
      .bind(projectId)
      .first<string>("details");
    expect(JSON.parse(audit!)).toMatchObject({ changed: ["sessionMaxAge"], sessionMaxAge: 86400 });
  });

  it("ends a session refreshed all along once 90 days have passed: 401 TOKEN_EXPIRED, session revoked, audited", async () => {
    const projectId = await createProject();
    // The clock stands still from before the sign-in, so the session starts exactly at `start`.
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    const user = await registerUser(projectId);
    let token = user.refreshToken;
    for (let day = 29; day < 90; day += 29) {
      vi.setSystemTime(start + day * DAY);
      const res = await refresh(projectId, token);
      expect(res.response.status).toBe(200);
      token = res.data!.data.refreshToken;
    }
    vi.setSystemTime(start + 90 * DAY + 1000);
    const res = await refresh(projectId, token);
    expect(res.response.status).toBe(401);
    expect(res.error).toMatchObject({ code: "TOKEN_EXPIRED", error: "This session reached its maximum lifetime; log in again" });
    const session = await sessionOf(token);
    expect(session).toMatchObject({ revoked_reason: "max_age_reached" });
    const audit = await env.DB.prepare(`SELECT outcome, details FROM audit_log WHERE type = 'auth.refresh' AND target_id = ? ORDER BY rowid DESC LIMIT 1`)
      .bind(session!.id)
      .first<{ outcome: string; details: string }>();
    expect(audit!.outcome).toBe("failure");
    expect(JSON.parse(audit!.details)).toEqual({ reason: "max_age" });
  });

  it("never lets the refresh expiry pass the absolute end, and lists both", async () => {
    const projectId = await createProject();
    expect((await patchProject(projectId, { sessionMaxAge: 86400 })).response.status).toBe(200);
    const user = await registerUser(projectId);
    const start = Date.now();
    vi.useFakeTimers({ now: start + 3600_000, toFake: ["Date"] });
    const rotated = await refresh(projectId, user.refreshToken);
    expect(rotated.response.status).toBe(200);
    const { data } = await sessions(projectId, rotated.data!.data.accessToken);
    const [listed] = data!.data;
    const absoluteEnd = new Date(Date.parse(listed!.createdAt) + 86400_000).toISOString();
    expect(listed).toMatchObject({ current: true, absoluteExpiresAt: absoluteEnd, expiresAt: absoluteEnd });
    const stored = await env.DB.prepare(`SELECT MAX(expires_at) AS latest FROM refresh_tokens WHERE session_id = ?`).bind(listed!.id).first<string>("latest");
    expect(stored).toBe(absoluteEnd);
    expect((await sessionOf(user.refreshToken))!.expires_at).toBe(absoluteEnd);
  });

  it("applies a lowered setting to existing sessions at their next refresh", async () => {
    const projectId = await createProject();
    const user = await registerUser(projectId);
    vi.useFakeTimers({ now: Date.now() + 2 * DAY, toFake: ["Date"] });
    expect((await patchProject(projectId, { sessionMaxAge: 86400 })).response.status).toBe(200);
    const res = await refresh(projectId, user.refreshToken);
    expect(res.error!.code).toBe("TOKEN_EXPIRED");
    expect((await sessionOf(user.refreshToken))!.revoked_reason).toBe("max_age_reached");
  });
});
