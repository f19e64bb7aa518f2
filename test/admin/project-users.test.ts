import { env } from "cloudflare:test";
import type { components } from "../../generated/api";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { listUsersQuery } from "../../src/db/users.repo";
import { encodeCursor } from "../../src/lib/cursor";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { PASSWORD, bearer, createProject, registerUser, uniqueId, tokensOf } from "../helpers/fixtures";

type Client = ReturnType<typeof adminClient>;
const USERS = "/api/admin/projects/{projectId}/users";
const USER = "/api/admin/projects/{projectId}/users/{userId}";

let owner: Client;
let viewer: Client;
let projectId: string;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
  viewer = adminClient((await adminWithRole("viewer")).token);
  projectId = await createProject();
});

afterEach(() => {
  vi.useRealTimers();
});

const email = () => `${uniqueId("pu")}@example.com`;
const inProject = (p = projectId) => ({ path: { projectId: p } });
const user = (userId: string, p = projectId) => ({ path: { projectId: p, userId } });

async function createUser(body: { email?: string; password?: string; displayName?: string; emailVerified?: boolean } = {}, p = projectId) {
  const { data, response } = await owner.POST(USERS, { params: inProject(p), body: { email: email(), ...body } });
  expect(response.status).toBe(201);
  return data!.data;
}

const login = (address: string, password = PASSWORD, p = projectId) =>
  api.POST("/api/auth/{projectId}/login", { params: inProject(p), body: { email: address, password } });
const refresh = (refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { params: inProject(), body: { refreshToken } });
const me = (accessToken: string) => bearer(accessToken).GET("/api/auth/{projectId}/me", { params: inProject() });

/** Every id on every page of a listing walked with `limit`, calling `between` after each page. */
async function walk(p: string, limit: number, between: () => Promise<unknown> = async () => {}) {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const { data } = await viewer.GET(USERS, { params: { path: { projectId: p }, query: { limit, cursor } } });
    ids.push(...data!.data.map((u) => u.id));
    cursor = data!.meta.nextCursor ?? undefined;
    await between();
  } while (cursor);
  return ids;
}

describe("POST /api/admin/projects/:projectId/users", () => {
  it("creates a user with a password who can then log in", async () => {
    const created = await createUser({ password: PASSWORD, displayName: "Ada", emailVerified: true });
    expect(created).toMatchObject({ displayName: "Ada", emailVerified: true, disabled: false, hasPassword: true, lastLoginAt: null });
    expect((await login(created.email)).response.status).toBe(200);
    expect((await owner.GET(USER, { params: user(created.id) })).data!.data.lastLoginAt).not.toBeNull();
  });

  it("invites a user without a password, who cannot log in yet", async () => {
    const invited = await createUser();
    expect(invited).toMatchObject({ hasPassword: false, emailVerified: false, displayName: null });
    expect((await login(invited.email)).error!.code).toBe("INVALID_CREDENTIALS");
  });

  it("refuses a taken email (in any case) with 409 EMAIL_TAKEN, but not in another project", async () => {
    const existing = await createUser();
    const dup = await owner.POST(USERS, { params: inProject(), body: { email: existing.email.toUpperCase() } });
    expect(dup.response.status).toBe(409);
    expect(dup.error!.code).toBe("EMAIL_TAKEN");
    await createUser({ email: existing.email }, await createProject());
  });

  it("answers 404 for an unknown project, 400 for a common password, 403 for a viewer, 401 without a session", async () => {
    expect((await owner.POST(USERS, { params: inProject("no_such_project"), body: { email: email() } })).error!.code).toBe("NOT_FOUND");
    const weak = await owner.POST(USERS, { params: inProject(), body: { email: email(), password: "password" } });
    expect(weak.error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "password" }] });
    expect((await viewer.POST(USERS, { params: inProject(), body: { email: email() } })).error!.code).toBe("FORBIDDEN");
    expect((await api.POST(USERS, { params: inProject(), body: { email: email() } })).error!.code).toBe("UNAUTHORIZED");
  });
});

describe("GET /api/admin/projects/:projectId/users", () => {
  it("searches email and display name case-insensitively, with LIKE wildcards taken literally", async () => {
    const p = await createProject();
    const tag = uniqueId("find").toLowerCase();
    const byEmail = await createUser({ email: `${tag}@example.com` }, p);
    const byName = await createUser({ displayName: `Dr ${tag.toUpperCase()}` }, p);
    const literal = await createUser({ displayName: "100% under_score" }, p);
    await createUser({ displayName: "100X underXscore" }, p);
    const search = async (text: string) =>
      (await viewer.GET(USERS, { params: { path: { projectId: p }, query: { search: text } } })).data!.data.map((u) => u.id);
    expect((await search(tag.toUpperCase())).sort()).toEqual([byEmail.id, byName.id].sort());
    expect(await search("% under_")).toEqual([literal.id]);
    expect(await search("nobody-matches-this")).toEqual([]);
  });

  it("filters by status", async () => {
    const p = await createProject();
    const active = await createUser({}, p);
    const disabled = await createUser({}, p);
    await owner.PATCH(USER, { params: user(disabled.id, p), body: { disabled: true } });
    const list = async (status: "active" | "disabled") =>
      (await viewer.GET(USERS, { params: { path: { projectId: p }, query: { status } } })).data!.data.map((u) => u.id);
    expect(await list("active")).toEqual([active.id]);
    expect(await list("disabled")).toEqual([disabled.id]);
  });

  it("pages newest first, and inserts between pages neither skip nor repeat a user", async () => {
    const p = await createProject();
    // A second between creations: users made in one millisecond would be ordered by their random ids.
    const clock = fakeClock();
    const later = () => {
      clock.tick();
      return createUser({}, p);
    };
    const original: string[] = [];
    for (let i = 0; i < 11; i++) original.push((await later()).id);
    const seen = await walk(p, 4, later);
    expect(seen).toEqual([...original].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("answers 404 for an unknown project and 400 for a bad limit or cursor", async () => {
    expect((await viewer.GET(USERS, { params: inProject("no_such_project") })).error!.code).toBe("NOT_FOUND");
    for (const query of [{ limit: 0 }, { limit: 101 }, { cursor: "not-a-cursor" }]) {
      const { error, response } = await viewer.GET(USERS, { params: { path: { projectId }, query } });
      expect(response.status).toBe(400);
      expect(error!.code).toBe("VALIDATION_ERROR");
    }
  });

  it("stays an index range seek at 10,000 users: no sort, no OFFSET, deep pages answer at once", async () => {
    const p = await createProject();
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
       INSERT INTO users (id, project_id, email, email_normalized, display_name, created_at, updated_at)
       SELECT printf('usr_bulk%05d', i), ?1, printf('bulk%05d@example.com', i), printf('bulk%05d@example.com', i), 'Bulk',
              strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || i || ' seconds'), '2025-01-01T00:00:00.000Z' FROM n`,
    )
      .bind(p)
      .run();
    const deep = { createdAt: "2025-01-01T00:00:42.000Z", id: "usr_bulk00042" };
    const { sql, bindings } = listUsersQuery(p, { search: "bulk", status: "active", after: deep, limit: 50 });
    const plan = (
      await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...bindings)
        .all<{ detail: string }>()
    ).results
      .map((r) => r.detail)
      .join("\n");
    expect(plan).toMatch(/SEARCH users USING INDEX users_project_created \(project_id=\? AND \(created_at,id\)<\(\?,\?\)\)/);
    expect(plan).not.toMatch(/TEMP B-TREE|SCAN/);
    const first = await viewer.GET(USERS, { params: { path: { projectId: p }, query: { limit: 100 } } });
    expect(first.data!.data[0]!.id).toBe("usr_bulk10000");
    const last = await viewer.GET(USERS, { params: { path: { projectId: p }, query: { limit: 100, cursor: encodeCursor(deep) } } });
    expect(last.data!.data.map((u) => u.id)).toEqual(Array.from({ length: 41 }, (_, i) => `usr_bulk${String(41 - i).padStart(5, "0")}`));
    expect(last.data!.meta.nextCursor).toBeNull();
  });
});

describe("GET /api/admin/projects/:projectId/users/:userId", () => {
  it("returns the user to a viewer; 404 for an unknown id, 400 for one that cannot be an id", async () => {
    const created = await createUser({ displayName: "Grace" });
    expect((await viewer.GET(USER, { params: user(created.id) })).data!.data).toEqual(created);
    expect((await viewer.GET(USER, { params: user("usr_missing") })).error!.code).toBe("NOT_FOUND");
    expect((await viewer.GET(USER, { params: user("u".repeat(65)) })).error!.code).toBe("VALIDATION_ERROR");
    expect((await viewer.GET(USER, { params: user(created.id, "no_such_project") })).error!.code).toBe("NOT_FOUND");
  });

  it("isolates tenants: a user of project A is 404 on every route under project B and absent from its list", async () => {
    const other = await createProject();
    const foreign = await createUser({ password: PASSWORD });
    const there = user(foreign.id, other);
    const answers = [
      await owner.GET(USER, { params: there }),
      await owner.PATCH(USER, { params: there, body: { disabled: true } }),
      await owner.POST(`${USER}/revoke-sessions`, { params: there }),
      await owner.DELETE(USER, { params: there }),
    ];
    for (const { response, error } of answers) {
      expect(response.status).toBe(404);
      expect(error!.code).toBe("NOT_FOUND");
    }
    expect((await owner.GET(USERS, { params: inProject(other) })).data!.data.map((u) => u.id)).not.toContain(foreign.id);
    expect((await owner.GET(USER, { params: user(foreign.id) })).data!.data).toMatchObject({ disabled: false });
  });
});

describe("PATCH /api/admin/projects/:projectId/users/:userId", () => {
  it("changes only the given fields; a new email resets emailVerified unless it is given too", async () => {
    const created = await createUser({ displayName: "Old", emailVerified: true });
    const patch = (body: components["schemas"]["UpdateProjectUserRequest"]) => owner.PATCH(USER, { params: user(created.id), body });
    expect((await patch({ displayName: "New" })).data!.data).toMatchObject({ displayName: "New", emailVerified: true, email: created.email });
    expect((await patch({ displayName: null })).data!.data.displayName).toBeNull();
    expect((await patch({ email: created.email.toUpperCase() })).data!.data.emailVerified).toBe(true);
    const moved = (await patch({ email: `  ${email()}  ` })).data!.data;
    expect(moved).toMatchObject({ emailVerified: false });
    expect(moved.email).toBe(moved.email.trim());
    expect((await patch({ email: email(), emailVerified: true })).data!.data.emailVerified).toBe(true);
  });

  it("refuses a taken email (409 EMAIL_TAKEN), an empty or unknown field (400) and an unknown user (404)", async () => {
    const [a, b] = [await createUser(), await createUser()];
    const taken = await owner.PATCH(USER, { params: user(a.id), body: { email: b.email } });
    expect(taken.response.status).toBe(409);
    expect(taken.error!.code).toBe("EMAIL_TAKEN");
    expect((await owner.PATCH(USER, { params: user(a.id), body: {} })).error!.code).toBe("VALIDATION_ERROR");
    expect((await owner.PATCH(USER, { params: user(a.id), body: { role: "admin" } as never })).error!.code).toBe("VALIDATION_ERROR");
    expect((await owner.PATCH(USER, { params: user("usr_missing"), body: { disabled: true } })).error!.code).toBe("NOT_FOUND");
    expect((await viewer.PATCH(USER, { params: user(a.id), body: { disabled: true } })).error!.code).toBe("FORBIDDEN");
  });

  it("disabling cuts the user off at once: access token 403 USER_DISABLED, refresh token refused, no login", async () => {
    const registered = await registerUser(projectId);
    expect((await me(registered.accessToken)).response.status).toBe(200);
    const { data } = await owner.PATCH(USER, { params: user(registered.user.id), body: { disabled: true } });
    expect(data!.data.disabled).toBe(true);
    const denied = await me(registered.accessToken);
    expect(denied.response.status).toBe(403);
    expect(denied.error!.code).toBe("USER_DISABLED");
    expect((await refresh(registered.refreshToken)).response.ok).toBe(false);
    expect((await login(registered.email)).error!.code).toBe("USER_DISABLED");
    const live = await env.DB.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL`).bind(registered.user.id).first("n");
    expect(live).toBe(0);
  });

  it("sets a password: the invited user can log in, and every earlier session ends", async () => {
    const invited = await createUser();
    expect((await owner.PATCH(USER, { params: user(invited.id), body: { password: "first admin-set passphrase" } })).data!.data.hasPassword).toBe(true);
    const session = tokensOf((await login(invited.email, "first admin-set passphrase")).data!.data);
    await owner.PATCH(USER, { params: user(invited.id), body: { password: "second admin-set passphrase" } });
    expect((await refresh(session.refreshToken)).error!.code).toBe("INVALID_TOKEN");
    expect((await login(invited.email, "first admin-set passphrase")).error!.code).toBe("INVALID_CREDENTIALS");
    expect((await login(invited.email, "second admin-set passphrase")).response.status).toBe(200);
  });
});

describe("DELETE /api/admin/projects/:projectId/users/:userId", () => {
  it("deletes the user with their sessions and refresh tokens; the audit log keeps only ids", async () => {
    const registered = await registerUser(projectId);
    await login(registered.email);
    const id = registered.user.id;
    const sessionIds = (await env.DB.prepare(`SELECT id FROM sessions WHERE user_id = ?`).bind(id).all<{ id: string }>()).results.map((r) => r.id);
    expect(sessionIds).toHaveLength(2);
    const count = (sql: string, ...values: unknown[]) =>
      env.DB.prepare(sql)
        .bind(...values)
        .first<number>("n");
    const tokensOfSessions = () => count(`SELECT COUNT(*) AS n FROM refresh_tokens WHERE session_id IN (?, ?)`, ...sessionIds);
    expect(await tokensOfSessions()).toBe(2);
    const { data } = await owner.DELETE(USER, { params: user(id) });
    expect(data!.data.deleted).toBe(true);
    expect(await count(`SELECT COUNT(*) AS n FROM users WHERE id = ?`, id)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?`, id)).toBe(0);
    expect(await tokensOfSessions()).toBe(0);
    expect((await refresh(registered.refreshToken)).error!.code).toBe("INVALID_TOKEN");
    expect((await me(registered.accessToken)).error!.code).toBe("INVALID_TOKEN");
    const audit = await env.DB.prepare(`SELECT details FROM audit_log WHERE target_id = ? AND type = 'admin.user.delete'`).bind(id).all<{ details: string }>();
    expect(audit.results).toEqual([{ details: "{}" }]);
    expect((await owner.GET(USER, { params: user(id) })).error!.code).toBe("NOT_FOUND");
    expect((await owner.DELETE(USER, { params: user(id) })).error!.code).toBe("NOT_FOUND");
    expect(await count(`SELECT COUNT(*) AS n FROM audit_log WHERE target_id = ? AND type = 'admin.user.delete'`, id)).toBe(1);
  });
});

describe("POST /api/admin/projects/:projectId/users/:userId/revoke-sessions", () => {
  it("ends every session: refresh tokens and access tokens stop working, a new login works", async () => {
    const registered = await registerUser(projectId);
    const second = tokensOf((await login(registered.email)).data!.data);
    const { data } = await owner.POST(`${USER}/revoke-sessions`, { params: user(registered.user.id) });
    expect(data!.data.revoked).toBe(2);
    for (const token of [registered.refreshToken, second.refreshToken]) expect((await refresh(token)).error!.code).toBe("INVALID_TOKEN");
    expect((await me(second.accessToken)).error!.code).toBe("INVALID_TOKEN");
    expect((await login(registered.email)).response.status).toBe(200);
    expect((await owner.POST(`${USER}/revoke-sessions`, { params: user(registered.user.id) })).data!.data.revoked).toBe(1);
  });

  it("answers 404 for an unknown user and 403 for a viewer", async () => {
    expect((await owner.POST(`${USER}/revoke-sessions`, { params: user("usr_missing") })).error!.code).toBe("NOT_FOUND");
    const created = await createUser();
    expect((await viewer.POST(`${USER}/revoke-sessions`, { params: user(created.id) })).error!.code).toBe("FORBIDDEN");
  });
});
