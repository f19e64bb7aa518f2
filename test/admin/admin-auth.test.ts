import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashStats } from "../../src/crypto/password";
import { sha256Hex } from "../../src/crypto/random";
import { ADMIN_PASSWORD, adminClient, adminSessionOf, adminWithRole, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { uniqueId } from "../helpers/fixtures";

afterEach(() => {
  vi.useRealTimers();
});

// The documented policy, pinned here rather than imported, so changing the constants fails these tests.
const IDLE_MS = 30 * 60_000;
const ABSOLUTE_MS = 12 * 3600_000;

describe("POST /api/admin/login", () => {
  it("bootstraps the configured owner and returns the guide's shape", async () => {
    const { data, response } = await api.POST("/api/admin/login", { body: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! } });
    expect(response.status).toBe(200);
    expect(adminSessionOf(data!.data).sessionToken).toMatch(/^as_/);
    expect(adminSessionOf(data!.data).admin).toMatchObject({ email: env.ADMIN_EMAIL, role: "owner" });
    const owners = await env.DB.prepare(`SELECT COUNT(*) AS n FROM admins WHERE role = 'owner'`).first("n");
    expect(owners).toBeGreaterThanOrEqual(1);
  });

  it("stores admin session tokens only as hashes", async () => {
    const token = await ownerToken();
    expect(
      await env.DB.prepare(`SELECT 1 AS one FROM admin_sessions WHERE token_hash = ?`)
        .bind(await sha256Hex(token))
        .first("one"),
    ).toBe(1);
    expect(JSON.stringify((await env.DB.prepare(`SELECT * FROM admin_sessions`).all()).results)).not.toContain(token);
  });

  it("gives a wrong password and an unknown email the same 401 after one hash each", async () => {
    const attempt = async (email: string) => {
      const before = hashStats.scrypt;
      const { error, response } = await api.POST("/api/admin/login", { body: { email, password: "wrong-password" } });
      return { status: response.status, error, hashes: hashStats.scrypt - before };
    };
    await ownerToken();
    const wrong = await attempt(env.ADMIN_EMAIL!);
    const unknown = await attempt(`${uniqueId("nobody")}@example.com`);
    expect(wrong).toEqual(unknown);
    expect(wrong.status).toBe(401);
    expect(wrong.error!.code).toBe("INVALID_CREDENTIALS");
    expect(wrong.hashes).toBe(1);
  });
});

describe("admin sessions", () => {
  it("answer 401 UNAUTHORIZED without a header or with an unknown token", async () => {
    expect((await api.GET("/api/admin/me")).error!.code).toBe("UNAUTHORIZED");
    expect((await adminClient("as_unknown").GET("/api/admin/me")).response.status).toBe(401);
  });

  it("slide: a session used within 30 minutes stays alive; 30 idle minutes end it", async () => {
    const client = adminClient(await ownerToken());
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    for (let i = 1; i <= 3; i++) {
      vi.setSystemTime(start + i * (IDLE_MS - 60_000));
      expect((await client.GET("/api/admin/me")).response.status).toBe(200);
    }
    vi.setSystemTime(start + 3 * (IDLE_MS - 60_000) + IDLE_MS + 1000);
    const expired = await client.GET("/api/admin/me");
    expect(expired.response.status).toBe(401);
    expect(expired.error!.code).toBe("UNAUTHORIZED");
  });

  it("end 12 hours after login however active they are", async () => {
    const client = adminClient(await ownerToken());
    const start = Date.now();
    vi.useFakeTimers({ now: start, toFake: ["Date"] });
    for (let t = IDLE_MS / 2; t < ABSOLUTE_MS; t += IDLE_MS / 2) {
      vi.setSystemTime(start + t);
      expect((await client.GET("/api/admin/me")).response.status, `${t / 3600_000} h after login`).toBe(200);
    }
    vi.setSystemTime(start + ABSOLUTE_MS + 1000);
    expect((await client.GET("/api/admin/me")).response.status).toBe(401);
  });

  it("end at logout", async () => {
    const client = adminClient(await ownerToken());
    expect((await client.POST("/api/admin/logout")).data!.data.loggedOut).toBe(true);
    expect((await client.GET("/api/admin/me")).response.status).toBe(401);
  });
});

describe("POST /api/admin/me/password", () => {
  it("changes the admin's own password with the current one, ending their other sessions", async () => {
    const viewer = await adminWithRole("viewer");
    const other = adminSessionOf((await api.POST("/api/admin/login", { body: { email: viewer.email, password: ADMIN_PASSWORD } })).data!.data).sessionToken;
    const client = adminClient(viewer.token);
    const wrong = await client.POST("/api/admin/me/password", { body: { currentPassword: "nope-nope-nope", newPassword: "a different passphrase" } });
    expect(wrong.error!.code).toBe("INVALID_CREDENTIALS");
    const ok = await client.POST("/api/admin/me/password", { body: { currentPassword: ADMIN_PASSWORD, newPassword: "a different passphrase" } });
    expect(ok.data!.data.otherSessionsEnded).toBe(1);
    expect((await adminClient(other).GET("/api/admin/me")).response.status).toBe(401);
    expect((await client.GET("/api/admin/me")).response.status).toBe(200);
  });
});

describe("/api/admin/admins", () => {
  it("lets only owners create admins; a duplicate email is 409 CONFLICT", async () => {
    const owner = adminClient(await ownerToken());
    const email = `${uniqueId("dup")}@example.com`;
    const body = { email, password: ADMIN_PASSWORD, role: "admin" as const };
    expect((await owner.POST("/api/admin/admins", { body })).response.status).toBe(201);
    expect((await owner.POST("/api/admin/admins", { body })).error!.code).toBe("CONFLICT");
    const admin = await adminWithRole("admin");
    const denied = await adminClient(admin.token).POST("/api/admin/admins", { body: { ...body, email: `x${email}` } });
    expect(denied.response.status).toBe(403);
    expect(denied.error!.code).toBe("FORBIDDEN");
  });

  it("never lets the last enabled owner be demoted, disabled or deleted", async () => {
    const owner = adminClient(await ownerToken());
    const { data } = await owner.GET("/api/admin/admins");
    const owners = data!.data.filter((a) => a.role === "owner" && !a.disabled);
    // Demote every other owner first, so exactly one remains.
    for (const extra of owners.slice(1)) await owner.PATCH("/api/admin/admins/{adminId}", { params: { path: { adminId: extra.id } }, body: { role: "admin" } });
    const last = owners[0]!;
    const params = { path: { adminId: last.id } };
    expect((await owner.PATCH("/api/admin/admins/{adminId}", { params, body: { role: "viewer" } })).error!.code).toBe("CONFLICT");
    expect((await owner.PATCH("/api/admin/admins/{adminId}", { params, body: { disabled: true } })).error!.code).toBe("CONFLICT");
    expect((await owner.DELETE("/api/admin/admins/{adminId}", { params })).error!.code).toBe("CONFLICT");
    expect((await owner.PATCH("/api/admin/admins/{adminId}", { params, body: { displayName: "Still the owner" } })).response.status).toBe(200);
  });

  it("disabling an admin ends their sessions; deleting a missing admin is 404", async () => {
    const owner = adminClient(await ownerToken());
    const viewer = await adminWithRole("viewer");
    await owner.PATCH("/api/admin/admins/{adminId}", { params: { path: { adminId: viewer.id } }, body: { disabled: true } });
    expect((await adminClient(viewer.token).GET("/api/admin/me")).response.status).toBe(401);
    expect((await owner.DELETE("/api/admin/admins/{adminId}", { params: { path: { adminId: "adm_missing" } } })).response.status).toBe(404);
    const gone = await owner.DELETE("/api/admin/admins/{adminId}", { params: { path: { adminId: viewer.id } } });
    expect(gone.error).toBeUndefined();
    expect(gone.data!.data.deleted).toBe(true);
  });
});
