import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { components } from "../../generated/api";
import { listAuditQuery } from "../../src/db/audit.repo";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api, apiClient } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { PASSWORD, createProject, registerUser, uniqueId } from "../helpers/fixtures";

type Event = components["schemas"]["AuditEvent"];
const LOGS = "/api/admin/logs";
const USERS = "/api/admin/projects/{projectId}/users";
const USER = "/api/admin/projects/{projectId}/users/{userId}";
const AGENT = "logs-test-agent/1.0";
const IP = "198.51.100.23";

let ownerSession: string;
let ownerId: string;
let viewer: ReturnType<typeof adminClient>;
beforeAll(async () => {
  ownerSession = await ownerToken();
  ownerId = (await adminClient(ownerSession).GET("/api/admin/me")).data!.data.id;
  viewer = adminClient((await adminWithRole("viewer")).token);
});

let clock: ReturnType<typeof fakeClock>;
beforeEach(() => {
  clock = fakeClock();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * A client whose requests carry a known request id and user agent, as a real caller's would. Each one
 * is made a second after the last (fake clock), so events never share a millisecond and newest-first is one order.
 */
const traced = (requestId: string, session?: string) => {
  clock.tick();
  return apiClient({ "User-Agent": AGENT, "X-Request-Id": requestId, "CF-Connecting-IP": IP, ...(session ? { "X-Admin-Session": session } : {}) });
};
const rid = () => uniqueId("req").replace(/[^\w-]/g, "-");

async function logs(query: Record<string, string | number | undefined>): Promise<{ data: Event[]; nextCursor: string | null }> {
  const { data, error } = await viewer.GET(LOGS, { params: { query: query as never } });
  if (error) throw new Error(`${error.code}: ${error.error}`);
  return { data: data!.data, nextCursor: data!.meta.nextCursor };
}

async function allPages(query: Record<string, string | number | undefined>, between: () => Promise<unknown> = async () => {}): Promise<Event[]> {
  const events: Event[] = [];
  let cursor: string | undefined;
  do {
    const page = await logs({ ...query, cursor });
    events.push(...page.data);
    cursor = page.nextCursor ?? undefined;
    await between();
  } while (cursor);
  return events;
}

async function createUser(projectId: string, requestId = rid(), body: { password?: string } = {}) {
  const { data, response } = await traced(requestId, ownerSession).POST(USERS, {
    params: { path: { projectId } },
    body: { email: `${uniqueId("lg")}@example.com`, ...body },
  });
  expect(response.status).toBe(201);
  return data!.data;
}

describe("GET /api/admin/logs", () => {
  it("records Auth API events with IP, user agent and request id", async () => {
    const projectId = await createProject();
    const [registerId, failedId] = [rid(), rid()];
    const email = `${uniqueId("auth")}@example.com`;
    const registered = await traced(registerId).POST("/api/auth/{projectId}/register", {
      params: { path: { projectId } },
      body: { email, password: PASSWORD },
    });
    await traced(failedId).POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password: "not the password" } });
    const { data } = await logs({ projectId, type: "auth.*" });
    expect(data.map((e) => [e.type, e.outcome])).toEqual([
      ["auth.login", "failure"],
      ["auth.register", "success"],
    ]);
    const [failure, success] = data as [Event, Event];
    expect(success).toMatchObject({
      requestId: registerId,
      userAgent: AGENT,
      actorType: "user",
      actorId: registered.data!.data.user.id,
      projectId,
      targetType: "user",
      ip: IP,
    });
    expect(failure).toMatchObject({ requestId: failedId, userAgent: AGENT, ip: IP, actorType: "anonymous", details: { reason: "invalid_credentials" } });
  });

  it("records every admin write on a user, by whom, without secrets", async () => {
    const projectId = await createProject();
    const ids = { create: rid(), update: rid(), disable: rid(), revoke: rid(), delete: rid() };
    const secret = "an admin-chosen passphrase";
    const created = await createUser(projectId, ids.create, { password: secret });
    const at = { path: { projectId, userId: created.id } };
    await traced(ids.update, ownerSession).PATCH(USER, { params: at, body: { password: `${secret} 2`, displayName: "Renamed" } });
    await traced(ids.disable, ownerSession).PATCH(USER, { params: at, body: { disabled: true } });
    await traced(ids.revoke, ownerSession).POST(`${USER}/revoke-sessions`, { params: at });
    await traced(ids.delete, ownerSession).DELETE(USER, { params: at });
    const { data } = await logs({ projectId, type: "admin.user.*" });
    expect(data.map((e) => [e.type, e.requestId])).toEqual([
      ["admin.user.delete", ids.delete],
      ["admin.user.revoke_sessions", ids.revoke],
      ["admin.user.update", ids.disable],
      ["admin.user.update", ids.update],
      ["admin.user.create", ids.create],
    ]);
    for (const e of data)
      expect(e).toMatchObject({ outcome: "success", actorType: "admin", actorId: ownerId, targetType: "user", targetId: created.id, userAgent: AGENT });
    expect(data[3]!.details).toEqual({ password: "changed", displayName: "changed" });
    expect(data[2]!.details).toEqual({ disabled: true });
    expect(data[4]!.details).toEqual({ hasPassword: true, emailVerified: false });
    const stored = JSON.stringify((await env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ?`).bind(projectId).all()).results);
    for (const leak of [secret, "$scrypt", created.email, "Renamed"]) expect(stored).not.toContain(leak);
  });

  it("filters by exact type, prefix, actor, outcome, project and a [from, to) time window", async () => {
    const projectId = await createProject();
    const user = await registerUser(projectId);
    clock.tick();
    await api.POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email: user.email, password: "wrong password" } });
    await createUser(projectId);
    const all = (await logs({ projectId })).data;
    expect(all.map((e) => e.type)).toEqual(["admin.user.create", "auth.login", "auth.register"]);
    expect((await logs({ projectId, type: "auth.login" })).data.map((e) => e.type)).toEqual(["auth.login"]);
    expect((await logs({ projectId, type: "auth.*" })).data).toHaveLength(2);
    expect((await logs({ projectId, type: "auth" })).data).toEqual([]);
    expect((await logs({ projectId, actor: ownerId })).data.map((e) => e.type)).toEqual(["admin.user.create"]);
    expect((await logs({ actor: user.user.id, type: "auth.register" })).data.map((e) => e.projectId)).toEqual([projectId]);
    expect((await logs({ projectId, outcome: "failure" })).data.map((e) => e.type)).toEqual(["auth.login"]);
    const register = all[2]!;
    const inWindow = (await logs({ projectId, from: register.createdAt })).data.map((e) => e.id);
    expect(inWindow).toContain(register.id);
    expect((await logs({ projectId, to: register.createdAt })).data.map((e) => e.id)).not.toContain(register.id);
    const shifted = new Date(Date.parse(register.createdAt) + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    expect((await logs({ projectId, from: shifted })).data.map((e) => e.id)).toEqual(inWindow);
    expect((await logs({ projectId: `${projectId}_other` })).data).toEqual([]);
  });

  it("pages newest first; events logged between pages neither skip nor repeat one", async () => {
    const projectId = await createProject();
    for (let i = 0; i < 7; i++) await createUser(projectId);
    const original = (await logs({ projectId, limit: 100 })).data.map((e) => e.id);
    expect(original).toHaveLength(7);
    const paged = await allPages({ projectId, limit: 3 }, () => createUser(projectId));
    expect(paged.map((e) => e.id)).toEqual(original);
    const times = paged.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("uses an index for each filter, never a sort of the whole log", async () => {
    const cases = [
      {},
      { projectId: "p" },
      { typePrefix: "auth." },
      { type: "auth.login" },
      { actorId: "a", outcome: "failure" as const },
      { from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" },
    ];
    for (const filters of cases) {
      const { sql, bindings } = listAuditQuery({ ...filters, after: { createdAt: "2026-01-15T00:00:00.000Z", id: "evt_x" }, limit: 50 });
      const plan = (
        await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .bind(...bindings)
          .all<{ detail: string }>()
      ).results
        .map((r) => r.detail)
        .join("\n");
      expect(plan).toMatch(/USING INDEX audit_/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it("answers 400 for bad filters, 401 without a session, and lets a viewer read", async () => {
    for (const query of [{ type: "auth.%" }, { type: "auth*" }, { outcome: "maybe" }, { from: "yesterday" }, { limit: 0 }, { cursor: "nope" }]) {
      const { error, response } = await viewer.GET(LOGS, { params: { query: query as never } });
      expect(response.status).toBe(400);
      expect(error!.code).toBe("VALIDATION_ERROR");
    }
    expect((await api.GET(LOGS)).error!.code).toBe("UNAUTHORIZED");
    expect((await viewer.GET(LOGS, { params: { query: { limit: 1 } } })).response.status).toBe(200);
  });
});
