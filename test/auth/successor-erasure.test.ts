import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { open } from "../../src/crypto/box";
import { sha256Hex } from "../../src/crypto/random";
import worker from "../../src/index";
import { iso } from "../../src/lib/clock";
import { REUSE_GRACE_MS } from "../../src/config";
import { sweepRefreshTokens } from "../../src/scheduled";
import { api } from "../helpers/client";
import { createProject, registerUser } from "../helpers/fixtures";

const DAY = 24 * 3600 * 1000;
const SUCCESSOR_PURPOSE = "once:refresh-successor";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});
afterEach(() => {
  vi.useRealTimers();
});

const refresh = (refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken } });

async function rowOf(token: string) {
  return env.DB.prepare(`SELECT * FROM refresh_tokens WHERE token_hash = ?`)
    .bind(await sha256Hex(token))
    .first<{ session_id: string; successor_box: string | null; rotated_at: string | null }>();
}

/** What an attacker holding `token` and a copy of the database could decrypt from its row. */
async function walkForward(token: string): Promise<string | null> {
  const box = (await rowOf(token))?.successor_box;
  return box ? open(token, SUCCESSOR_PURPOSE, box) : null;
}

/** Runs the Worker's Cron Trigger handler to completion, as the runtime would. */
async function cron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/15 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Registers a user and rotates once: A (spent, sealing B) → B (live). */
async function rotatedOnce() {
  const user = await registerUser(projectId);
  const rotated = await refresh(user.refreshToken);
  expect(rotated.response.status).toBe(200);
  return { a: user.refreshToken, b: rotated.data!.data.refreshToken };
}

describe("sealed successors after the grace window", () => {
  it("are erased by the next rotation of the session", async () => {
    const { a, b } = await rotatedOnce();
    expect(await walkForward(a)).toBe(b);
    vi.useFakeTimers({ now: Date.now() + REUSE_GRACE_MS + 1000, toFake: ["Date"] });
    const c = (await refresh(b)).data!.data.refreshToken;
    expect((await rowOf(a))!.successor_box).toBeNull();
    expect(await walkForward(a)).toBeNull();
    // B was rotated just now: its box serves a benign duplicate until the window passes.
    expect(await walkForward(b)).toBe(c);
  });

  it("are erased by the scheduled sweep when the session is never refreshed again", async () => {
    const { a, b } = await rotatedOnce();
    vi.useFakeTimers({ now: Date.now() + REUSE_GRACE_MS + 1000, toFake: ["Date"] });
    await cron();
    expect(await rowOf(a)).toMatchObject({ successor_box: null });
    expect(await walkForward(a)).toBeNull();
    expect((await refresh(b)).response.status).toBe(200);
  });

  it("still give a duplicate inside the window the same successor, after a sweep", async () => {
    const { a, b } = await rotatedOnce();
    await cron();
    const again = await refresh(a);
    expect(again.response.status).toBe(200);
    expect(again.data!.data.refreshToken).toBe(b);
  });

  it("still treat a replay after the window as theft, after a sweep: 401 REFRESH_TOKEN_REUSED", async () => {
    const { a, b } = await rotatedOnce();
    vi.useFakeTimers({ now: Date.now() + REUSE_GRACE_MS + 1000, toFake: ["Date"] });
    await cron();
    const replay = await refresh(a);
    expect(replay.error!.code).toBe("REFRESH_TOKEN_REUSED");
    expect((await refresh(b)).error!.code).toBe("INVALID_TOKEN");
  });
});

describe("pruning spent refresh rows", () => {
  it("deletes spent rows past their own expiry and keeps the live chain", async () => {
    const start = Date.now();
    const user = await registerUser(projectId);
    vi.useFakeTimers({ now: start + 20 * DAY, toFake: ["Date"] });
    const live = (await refresh(user.refreshToken)).data!.data.refreshToken;
    vi.setSystemTime(start + 31 * DAY);
    await cron();
    expect(await rowOf(user.refreshToken)).toBeNull();
    expect(await rowOf(live)).not.toBeNull();
    expect((await refresh(live)).response.status).toBe(200);
  });

  it("deletes every row of a revoked session", async () => {
    const { a, b } = await rotatedOnce();
    const { session_id } = (await rowOf(b))!;
    expect((await api.POST("/api/auth/{projectId}/logout", { params: { path: { projectId } }, body: { refreshToken: b } })).response.status).toBe(200);
    await cron();
    expect(await rowOf(a)).toBeNull();
    expect(await rowOf(b)).toBeNull();
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id = ?`).bind(session_id).first<number>("n")).toBe(0);
    expect((await refresh(b)).error!.code).toBe("INVALID_TOKEN");
  });

  it("works in bounded batches that later runs continue", async () => {
    for (let i = 0; i < 3; i++) await rotatedOnce();
    vi.useFakeTimers({ now: Date.now() + REUSE_GRACE_MS + 1000, toFake: ["Date"] });
    const stale = () =>
      env.DB.prepare(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE successor_box IS NOT NULL AND rotated_at < ?`)
        .bind(iso(Date.now() - REUSE_GRACE_MS))
        .first<number>("n");
    const before = (await stale())!;
    const report = await sweepRefreshTokens(env.DB, Date.now(), { rows: 1, sessions: 1, rounds: 2 });
    expect(report.boxesErased).toBe(2);
    expect(await stale()).toBe(before - 2);
    await cron();
    expect(await stale()).toBe(0);
  });
});
