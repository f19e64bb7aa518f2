import { pbkdf2Sync, randomBytes, scryptSync } from "node:crypto";
import { env } from "cloudflare:test";
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { IMPORT_MAX_BODY_BYTES } from "../../src/config";
import { hashStats, pepperId } from "../../src/crypto/password";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api, call } from "../helpers/client";
import { createProject, registerUser, uniqueId } from "../helpers/fixtures";

const PW = "imported user passphrase";
const ab64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/=+$/, "").replace(/\+/g, ".");
const email = (tag: string) => `${uniqueId(tag)}@example.com`;

const HASHES = {
  bcrypt: async () => bcrypt.hash(PW, 8),
  djangoPbkdf2: async () => `pbkdf2_sha256$110000$Xy7salt9$${pbkdf2Sync(PW, "Xy7salt9", 110_000, 32, "sha256").toString("base64")}`,
  passlibScrypt: async () => {
    const salt = randomBytes(16);
    return `$scrypt$ln=12,r=8,p=1$${ab64(salt)}$${ab64(scryptSync(PW, salt, 32, { N: 2 ** 12, r: 8, p: 1 }))}`;
  },
};

async function owner() {
  return adminClient(await ownerToken());
}

const importUsers = async (client: ReturnType<typeof adminClient>, projectId: string, rows: unknown[]) =>
  client.POST("/api/admin/projects/{projectId}/users/import", { params: { path: { projectId } }, body: rows as never });

const rawImport = async (token: string, projectId: string, body: string, type: string) =>
  call(`/api/admin/projects/${projectId}/users/import`, { method: "POST", headers: { "X-Admin-Session": token, "Content-Type": type }, body });

const login = (projectId: string, address: string, password = PW) =>
  api.POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email: address, password } });

const hashOf = async (projectId: string, address: string) =>
  env.DB.prepare(`SELECT password_hash FROM users WHERE project_id = ? AND email_normalized = ?`)
    .bind(projectId, address.toLowerCase())
    .first<string>("password_hash");

describe("POST /api/admin/projects/:projectId/users/import", () => {
  for (const [format, make] of Object.entries(HASHES)) {
    it(`imports a ${format}-hashed user who then signs in with one hash evaluation and gets this service's hash`, async () => {
      const projectId = await createProject();
      const address = email(format);
      const imported = await importUsers(await owner(), projectId, [
        {
          email: address,
          displayName: "Imported",
          emailVerified: true,
          metadata: { plan: "pro" },
          createdAt: "2020-05-01T10:00:00Z",
          passwordHash: await make(),
        },
      ]);
      expect(imported.response.status).toBe(200);
      expect(imported.data!.data).toMatchObject({ created: 1, skipped: 0, errors: 0, results: [{ index: 0, email: address, status: "created" }] });

      const before = { imported: hashStats.imported, scrypt: hashStats.scrypt };
      const first = await login(projectId, address);
      expect(first.response.status).toBe(200);
      // One evaluation of the imported hash, then one scrypt for the upgrade.
      expect(hashStats.imported - before.imported).toBe(1);
      expect(hashStats.scrypt - before.scrypt).toBe(1);
      expect(await hashOf(projectId, address)).toMatch(new RegExp(`^\\$scrypt\\$ln=14,r=8,p=5,pep=1,pid=${pepperId(env.PASSWORD_PEPPER!)}\\$`));
      expect((first.data!.data as { user: { createdAt: string; emailVerified: boolean } }).user).toMatchObject({
        createdAt: "2020-05-01T10:00:00.000Z",
        emailVerified: true,
      });
      expect((await login(projectId, address, "not the password")).response.status).toBe(401);
      expect((await login(projectId, address)).response.status).toBe(200);
    });
  }

  it("is idempotent by email, reports each row, and writes nothing of a refused row", async () => {
    const projectId = await createProject();
    const existing = await registerUser(projectId);
    const client = await owner();
    const fresh = email("fresh");
    const rows = [
      { email: fresh, passwordHash: await HASHES.bcrypt() },
      { email: existing.email.toUpperCase(), displayName: "Not applied" },
      { email: "not-an-email" },
      { email: email("bad-hash"), passwordHash: "$argon2id$v=19$m=65536,t=3,p=4$abc$def" },
      { email: fresh },
      { email: email("unknown-field"), role: "admin" },
      {
        email: email("other-pepper"),
        passwordHash: "$scrypt$ln=14,r=8,p=5,pep=1,pid=00000000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      },
    ];
    const first = await importUsers(client, projectId, rows);
    expect(first.response.status).toBe(200);
    const statuses = first.data!.data.results.map((r) => [r.index, r.status]);
    expect(statuses).toEqual([
      [0, "created"],
      [1, "skipped"],
      [2, "error"],
      [3, "error"],
      [4, "error"],
      [5, "error"],
      [6, "error"],
    ]);
    expect(first.data!.data.results[3]!.reason).toMatch(/unsupported password hash/);
    expect(first.data!.data.results[4]!.reason).toMatch(/earlier in this import/);
    expect(first.data!.data.results[6]!.reason).toMatch(/PASSWORD_PEPPER/);
    expect(await env.DB.prepare(`SELECT display_name FROM users WHERE id = ?`).bind(existing.user.id).first<string>("display_name")).toBe("Test User");
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE project_id = ?`).bind(projectId).first<number>("n")).toBe(2);

    // Sent again: nothing new, nothing changed.
    const again = await importUsers(client, projectId, rows.slice(0, 2));
    expect(again.data!.data).toMatchObject({ created: 0, skipped: 2, errors: 0 });
    const audit = await env.DB.prepare(`SELECT details FROM audit_log WHERE type = 'admin.users.import' AND project_id = ? ORDER BY rowid`)
      .bind(projectId)
      .all<{ details: string }>();
    expect(audit.results.map((r) => JSON.parse(r.details))).toEqual([
      { rows: 7, created: 1, skipped: 1, errors: 5, withPasswordHashes: 1 },
      { rows: 2, created: 0, skipped: 2, errors: 0, withPasswordHashes: 1 },
    ]);
  });

  it("takes NDJSON (a line that is not JSON is that row's error), refuses other types, more than 1,000 rows and bodies over its cap", async () => {
    const projectId = await createProject();
    const token = await ownerToken();
    const ndjson = `${JSON.stringify({ email: email("nd1") })}\n{not json\n\n${JSON.stringify({ email: email("nd2"), emailVerified: true })}\n`;
    const res = await rawImport(token, projectId, ndjson, "application/x-ndjson");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { created: number; errors: number; results: { status: string }[] } };
    expect(body.data).toMatchObject({ created: 2, errors: 1 });
    expect(body.data.results.map((r) => r.status)).toEqual(["created", "error", "created"]);

    expect((await rawImport(token, projectId, "email=x", "text/plain")).status).toBe(415);
    const tooMany = await rawImport(
      token,
      projectId,
      JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ email: `u${i}@example.com` }))),
      "application/json",
    );
    expect(tooMany.status).toBe(400);
    expect((await rawImport(token, projectId, JSON.stringify({ email: "a@example.com" }), "application/json")).status).toBe(400);

    // Above the API's 64 KiB, within this route's cap: accepted.
    const big = Array.from({ length: 200 }, (_, i) => ({ email: `big${i}-${uniqueId("b")}@example.com`, metadata: { note: "x".repeat(500) } }));
    expect(JSON.stringify(big).length).toBeGreaterThan(64 * 1024);
    const accepted = await rawImport(token, projectId, JSON.stringify(big), "application/json");
    expect(accepted.status).toBe(200);
    expect(((await accepted.json()) as { data: { created: number } }).data.created).toBe(200);
    const huge = await rawImport(token, projectId, `[${" ".repeat(IMPORT_MAX_BODY_BYTES)}]`, "application/json");
    expect(huge.status).toBe(413);
  });
});

describe("GET /api/admin/projects/:projectId/users/export", () => {
  const exportLines = async (token: string, projectId: string, query = "") => {
    const res = await call(`/api/admin/projects/${projectId}/users/export${query}`, { headers: { "X-Admin-Session": token } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    return (await res.text())
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it("streams JSON lines that import into another project, where the users sign in with their passwords", async () => {
    const source = await createProject();
    const target = await createProject();
    const users = [await registerUser(source), await registerUser(source)];
    const token = await ownerToken();
    await importUsers(adminClient(token), source, [{ email: email("bc"), passwordHash: await HASHES.bcrypt(), appMetadata: { roles: ["editor"] } }]);

    const plain = await exportLines(token, source);
    expect(plain).toHaveLength(3);
    expect(plain.every((u) => !("passwordHash" in u))).toBe(true);

    const withHashes = await exportLines(token, source, "?includePasswordHashes=true");
    expect(withHashes.every((u) => typeof u.passwordHash === "string")).toBe(true);
    const result = await rawImport(token, target, withHashes.map((u) => JSON.stringify(u)).join("\n"), "application/x-ndjson");
    expect(((await result.json()) as { data: { created: number } }).data.created).toBe(3);
    for (const u of users) expect((await login(target, u.email, u.password)).response.status).toBe(200);
    const bc = withHashes.find((u) => String(u.passwordHash).startsWith("$2"))!;
    expect((await login(target, String(bc.email))).response.status).toBe(200);
    expect((await exportLines(token, target)).find((u) => u.email === bc.email)).toMatchObject({ appMetadata: { roles: ["editor"] } });

    const audits = await env.DB.prepare(`SELECT actor_type, details FROM audit_log WHERE type = 'admin.users.export' AND project_id = ? ORDER BY rowid`)
      .bind(source)
      .all<{ actor_type: string; details: string }>();
    expect(audits.results.map((r) => [r.actor_type, JSON.parse(r.details)])).toEqual([
      ["admin", { includePasswordHashes: false }],
      ["admin", { includePasswordHashes: true }],
    ]);
  });

  it("is owner-only; import needs at least the admin role", async () => {
    const projectId = await createProject();
    const admin = await adminWithRole("admin");
    const viewer = await adminWithRole("viewer");
    const res = await call(`/api/admin/projects/${projectId}/users/export`, { headers: { "X-Admin-Session": admin.token } });
    expect(res.status).toBe(403);
    expect((await rawImport(viewer.token, projectId, "[]", "application/json")).status).toBe(403);
    expect((await rawImport(admin.token, projectId, JSON.stringify([{ email: email("by-admin") }]), "application/json")).status).toBe(200);
    expect((await call(`/api/admin/projects/${projectId}/users/export`)).status).toBe(401);
  });
});
