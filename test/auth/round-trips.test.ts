import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/crypto/random";
import { PROJECT_CACHE_TTL_MS } from "../../src/config";
import { adminClient, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { bearer, createProject, registerUser } from "../helpers/fixtures";

// Tests share the isolate with the Worker, so wrapping the D1 prototypes counts the Worker's own calls.
const dbProto = Object.getPrototypeOf(env.DB) as Record<string, (...args: unknown[]) => unknown>;
const stmtProto = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, (...args: unknown[]) => unknown>;

/** The D1 calls (batch, first, run, all, raw) made while `work` runs. */
async function d1Calls(work: () => Promise<unknown>): Promise<string[]> {
  const calls: string[] = [];
  const originals: Array<[Record<string, (...args: unknown[]) => unknown>, string, (...args: unknown[]) => unknown]> = [];
  const wrap = (proto: Record<string, (...args: unknown[]) => unknown>, name: string) => {
    const original = proto[name]!;
    originals.push([proto, name, original]);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      calls.push(name);
      return original.apply(this, args);
    };
  };
  wrap(dbProto, "batch");
  for (const name of ["first", "run", "all", "raw"]) wrap(stmtProto, name);
  try {
    await work();
  } finally {
    for (const [proto, name, original] of originals) proto[name] = original;
  }
  return calls;
}

let projectId: string;
let owner: ReturnType<typeof adminClient>;
beforeAll(async () => {
  projectId = await createProject();
  owner = adminClient(await ownerToken());
});
// Date stands still in each test unless the test moves it: the isolate's project cache (5 s) then
// decides alike for a warm-up request and the calls counted after it, however slow the machine.
beforeEach(() => {
  vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const refresh = (refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken } });
const jwks = (id = projectId) => api.GET("/api/auth/{projectId}/.well-known/jwks.json", { params: { path: { projectId: id } } });
const discovery = (id = projectId) => api.GET("/api/auth/{projectId}/.well-known/openid-configuration", { params: { path: { projectId: id } } });

describe("POST /api/auth/:projectId/refresh round trips", () => {
  it("makes exactly one D1 call, a batch, for a successful rotation", async () => {
    const user = await registerUser(projectId);
    let status = 0;
    const calls = await d1Calls(async () => (status = (await refresh(user.refreshToken)).response.status));
    expect(status).toBe(200);
    expect(calls).toEqual(["batch"]);
  });

  it("stores the successor's expiry, computed in SQL, exactly as the API formats timestamps", async () => {
    const user = await registerUser(projectId);
    const at = Date.now() + 1_001; // any millisecond; fixed so the test knows the rotation instant
    vi.useFakeTimers({ now: at, toFake: ["Date"] });
    const next = (await refresh(user.refreshToken)).data!.data.refreshToken;
    const row = await env.DB.prepare(`SELECT t.expires_at, s.expires_at AS session_expires_at, p.refresh_token_ttl FROM refresh_tokens t
      JOIN sessions s ON s.id = t.session_id JOIN projects p ON p.id = t.project_id WHERE t.token_hash = ?`)
      .bind(await sha256Hex(next))
      .first<{ expires_at: string; session_expires_at: string; refresh_token_ttl: number }>();
    expect(row!.expires_at).toBe(new Date(at + row!.refresh_token_ttl * 1000).toISOString());
    expect(row!.session_expires_at).toBe(row!.expires_at);
  });

  it("still grants the winner's successor to a duplicate and revokes on reuse after the window", async () => {
    const user = await registerUser(projectId);
    const first = await refresh(user.refreshToken);
    const duplicate = await refresh(user.refreshToken);
    expect(duplicate.data!.data.refreshToken).toBe(first.data!.data.refreshToken);
    vi.useFakeTimers({ now: Date.now() + 11_000, toFake: ["Date"] });
    expect((await refresh(user.refreshToken)).error?.code).toBe("REFRESH_TOKEN_REUSED");
  });

  it("calls no Durable Object: refresh.session is counted by the session row in the same batch", async () => {
    const user = await registerUser(projectId);
    const namespace = Object.getPrototypeOf(env.RATE_LIMITER) as Record<string, (...args: unknown[]) => unknown>;
    const original = namespace.get!;
    let stubs = 0;
    namespace.get = function (this: unknown, ...args: unknown[]) {
      stubs++;
      return original.apply(this, args);
    };
    try {
      expect((await refresh(user.refreshToken)).response.status).toBe(200);
    } finally {
      namespace.get = original;
    }
    expect(stubs).toBe(0);
  });

  it("leaves the presented token usable when the session's window refuses the refresh, and audits the block once", async () => {
    const id = await createProject();
    expect(
      (
        await owner.PATCH("/api/admin/projects/{projectId}", {
          params: { path: { projectId: id } },
          body: { rateLimits: { "refresh.session": { kind: "window", limit: 1, windowSeconds: 60 } } },
        })
      ).response.status,
    ).toBe(200);
    const user = await registerUser(id);
    const call = (refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId: id } }, body: { refreshToken } });
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    const next = (await call(user.refreshToken)).data!.data.refreshToken;
    vi.setSystemTime(start + 20_000);
    for (let i = 0; i < 3; i++) {
      const refused = await call(next);
      expect(refused.response.status).toBe(429);
      expect(refused.error?.code).toBe("RATE_LIMITED");
      expect(refused.response.headers.get("Retry-After")).toBe("40");
    }
    const blocks = await env.DB.prepare(`SELECT details FROM audit_log WHERE project_id = ? AND type = 'ratelimit.block'`).bind(id).all<{ details: string }>();
    expect(blocks.results.map((r) => JSON.parse(r.details))).toEqual([{ rule: "refresh.session", retryAfter: 40 }]);
    vi.setSystemTime(start + 61_000);
    const later = await call(next);
    expect(later.response.status).toBe(200);
    expect((await call(later.data!.data.refreshToken)).response.status).toBe(429);
  });

  it("counts a grace-window duplicate in the session's window, like a refresh", async () => {
    const id = await createProject();
    await owner.PATCH("/api/admin/projects/{projectId}", {
      params: { path: { projectId: id } },
      body: { rateLimits: { "refresh.session": { kind: "window", limit: 2, windowSeconds: 60 } } },
    });
    const user = await registerUser(id);
    const call = (refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId: id } }, body: { refreshToken } });
    const first = await call(user.refreshToken);
    const duplicate = await call(user.refreshToken);
    expect(duplicate.data!.data.refreshToken).toBe(first.data!.data.refreshToken);
    const third = await call(user.refreshToken);
    expect(third.response.status).toBe(429);
    // The refused duplicate revoked nothing: the successor still rotates once the window passes.
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ["Date"] });
    expect((await call(first.data!.data.refreshToken)).response.status).toBe(200);
  });
});

describe("GET /api/auth/:projectId/.well-known/* from the isolate's cache", () => {
  it("serves JWKS and openid-configuration with no D1 call once warm", async () => {
    expect((await jwks()).response.status).toBe(200);
    const calls = await d1Calls(async () => {
      expect((await jwks()).response.status).toBe(200);
      expect((await discovery()).response.status).toBe(200);
    });
    expect(calls).toEqual([]);
  });

  it("shows a key rotated through the Admin API at once", async () => {
    const before = (await jwks()).data!.keys.map((k) => k.kid);
    const rotated = await owner.POST("/api/admin/projects/{projectId}/keys/rotate", { params: { path: { projectId } } });
    expect(rotated.response.status).toBe(201);
    const after = (await jwks()).data!.keys.map((k) => k.kid);
    expect(after).toContain(rotated.data!.data.kid);
    expect(after).toEqual(expect.arrayContaining(before));
  });

  it("stops serving a project disabled or deleted elsewhere within the cache TTL", async () => {
    const disabled = await createProject();
    const deleted = await createProject();
    expect((await jwks(disabled)).response.status).toBe(200);
    expect((await discovery(deleted)).response.status).toBe(200);
    // Written straight to D1, as another isolate's Admin API call would be: this isolate is not told.
    await env.DB.batch([
      env.DB.prepare(`UPDATE projects SET enabled = 0 WHERE id = ?`).bind(disabled),
      env.DB.prepare(`DELETE FROM projects WHERE id = ?`).bind(deleted),
    ]);
    vi.useFakeTimers({ now: Date.now() + PROJECT_CACHE_TTL_MS, toFake: ["Date"] });
    expect((await jwks(disabled)).error?.code).toBe("PROJECT_DISABLED");
    expect((await discovery(deleted)).error?.code).toBe("NOT_FOUND");
  });

  it("stops serving a project disabled through the Admin API at once", async () => {
    const id = await createProject();
    expect((await discovery(id)).response.status).toBe(200);
    expect((await owner.PATCH("/api/admin/projects/{projectId}", { params: { path: { projectId: id } }, body: { enabled: false } })).response.status).toBe(200);
    expect((await discovery(id)).error?.code).toBe("PROJECT_DISABLED");
  });
});

describe("GET /api/admin/me (the bench's one-read floor)", () => {
  it("makes exactly one D1 call", async () => {
    const token = await ownerToken();
    let status = 0;
    const calls = await d1Calls(async () => (status = (await adminClient(token).GET("/api/admin/me")).response.status));
    expect(status).toBe(200);
    expect(calls).toEqual(["first"]);
  });
});

describe("GET /api/auth/:projectId/me", () => {
  it("makes exactly one D1 call, second factors included", async () => {
    const user = await registerUser(projectId);
    const me = () => bearer(user.accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } });
    await me(); // warms this isolate's cache of the signing key's public half
    let body: unknown;
    const calls = await d1Calls(async () => {
      body = (await me()).data?.data;
    });
    expect(body).toMatchObject({ id: user.user.id, mfa: { totp: false, passkeys: 0 } });
    expect(calls).toEqual(["first"]);
  });
});
