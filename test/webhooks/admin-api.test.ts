// The Admin API of webhooks: target rules (SSRF), roles, the secret shown once, rotation, paging, audit.
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { createProject } from "../helpers/fixtures";
import { TARGET } from "./support";

const PATH = "/api/admin/projects/{projectId}/webhooks";
const ONE = "/api/admin/projects/{projectId}/webhooks/{webhookId}";

let owner: ReturnType<typeof adminClient>;
let projectId: string;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
  projectId = await createProject();
});
afterEach(() => vi.restoreAllMocks());

const create = (body: { url: string; events: string[]; description?: string }, client = owner, project = projectId) =>
  client.POST(PATH, { params: { path: { projectId: project } }, body: body as any });

const auditTypes = async (webhookId: string) =>
  (await env.DB.prepare(`SELECT type FROM audit_log WHERE target_id = ? ORDER BY rowid`).bind(webhookId).all<{ type: string }>()).results.map((r) => r.type);

describe("POST /api/admin/projects/{projectId}/webhooks", () => {
  it("creates a webhook and shows its whsec_ secret once; reads never show it", async () => {
    const { data, response } = await create({ url: TARGET, events: ["user.created", "session.revoked"], description: "CRM" });
    expect(response.status).toBe(201);
    const webhook = data!.data;
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({
      url: TARGET,
      events: ["user.created", "session.revoked"],
      description: "CRM",
      enabled: true,
      previousSecretExpiresAt: null,
    });
    const got = await owner.GET(ONE, { params: { path: { projectId, webhookId: webhook.id } } });
    const listed = await owner.GET(PATH, { params: { path: { projectId } } });
    for (const read of [got, listed]) {
      expect(read.response.status).toBe(200);
      expect(JSON.stringify(read.data)).not.toContain("whsec_");
    }
    const row = await env.DB.prepare(`SELECT secret_box FROM webhooks WHERE id = ?`).bind(webhook.id).first<{ secret_box: string }>();
    expect(row!.secret_box).toMatch(/^v1\./);
    expect(row!.secret_box).not.toContain(webhook.secret.slice(6));
    expect(await auditTypes(webhook.id)).toEqual(["admin.webhook.create"]);
  });

  it.each([
    ["http to a public host", "http://hooks.example.com/x", "https"],
    ["an IPv4 literal", "https://10.0.0.7/hook", "IP address"],
    ["a decimal IPv4 literal", "https://2130706433/hook", "IP address"],
    ["an IPv6 literal", "https://[fd00::1]/hook", "IP address"],
    ["credentials", "https://user:pass@hooks.example.com/x", "credentials"],
    ["a fragment", "https://hooks.example.com/x#frag", "fragment"],
    ["an .internal name", "https://billing.internal/hook", "public host"],
    ["a .local name", "https://printer.local/hook", "public host"],
    ["a .localhost name", "https://app.localhost/hook", "public host"],
    ["a single-label name", "https://intranet/hook", "public host"],
    ["another scheme", "ftp://hooks.example.com/x", "https"],
  ])("refuses %s with 400 VALIDATION_ERROR", async (_, url, reason) => {
    const { error, response } = await create({ url, events: ["user.created"] });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ code: "VALIDATION_ERROR" });
    expect((error as { error: string }).error).toContain(reason);
  });

  it("allows http loopback only in development projects", async () => {
    for (const url of ["http://localhost:8796/hook", "http://127.0.0.1:8796/hook", "http://[::1]:8796/hook"]) {
      expect((await create({ url, events: ["user.created"] })).response.status).toBe(201);
    }
    const production = await createProject();
    await env.DB.prepare(`UPDATE projects SET environment = 'production' WHERE id = ?`).bind(production).run();
    const refused = await create({ url: "http://localhost:8796/hook", events: ["user.created"] }, owner, production);
    expect(refused.response.status).toBe(400);
    expect((refused.error as { error: string }).error).toContain("development");
  });

  it("refuses unknown, repeated or no event types", async () => {
    for (const events of [["user.exploded"], ["user.created", "user.created"], []]) {
      const { error, response } = await create({ url: TARGET, events });
      expect(response.status).toBe(400);
      expect(error).toMatchObject({ code: "VALIDATION_ERROR" });
    }
  });

  it("is for admins: a viewer reads but gets 403 FORBIDDEN on every write; anonymous gets 401", async () => {
    const viewer = adminClient((await adminWithRole("viewer")).token);
    const admin = adminClient((await adminWithRole("admin")).token);
    const { data } = await create({ url: TARGET, events: ["user.created"] }, admin);
    const webhookId = data!.data.id;
    const path = { projectId, webhookId };
    expect((await viewer.GET(PATH, { params: { path: { projectId } } })).response.status).toBe(200);
    expect((await viewer.GET(ONE, { params: { path } })).response.status).toBe(200);
    expect((await viewer.GET(`${ONE}/deliveries`, { params: { path, query: {} } })).response.status).toBe(200);
    expect((await create({ url: TARGET, events: ["user.created"] }, viewer)).response.status).toBe(403);
    expect((await viewer.PATCH(ONE, { params: { path }, body: { enabled: false } })).response.status).toBe(403);
    expect((await viewer.DELETE(ONE, { params: { path } })).response.status).toBe(403);
    expect((await viewer.POST(`${ONE}/rotate-secret`, { params: { path } })).response.status).toBe(403);
    expect((await api.GET(PATH, { params: { path: { projectId } } })).response.status).toBe(401);
  });
});

describe("PATCH, DELETE and rotate-secret", () => {
  it("updates url, events, enabled and description, re-checking the url; audits each write", async () => {
    const { data } = await create({ url: TARGET, events: ["user.created"] });
    const path = { projectId, webhookId: data!.data.id };
    const bad = await owner.PATCH(ONE, { params: { path }, body: { url: "https://169.254.169.254/latest" } });
    expect(bad.response.status).toBe(400);
    const updated = await owner.PATCH(ONE, {
      params: { path },
      body: { url: "https://other.example.com/h", events: ["user.deleted"], enabled: false, description: null },
    });
    expect(updated.response.status).toBe(200);
    expect(updated.data!.data).toMatchObject({ url: "https://other.example.com/h", events: ["user.deleted"], enabled: false, description: null });
    expect((await owner.DELETE(ONE, { params: { path } })).response.status).toBe(200);
    expect((await owner.GET(ONE, { params: { path } })).response.status).toBe(404);
    expect((await owner.DELETE(ONE, { params: { path } })).response.status).toBe(404);
    expect(await auditTypes(path.webhookId)).toEqual(["admin.webhook.create", "admin.webhook.update", "admin.webhook.delete"]);
  });

  it("rotates: a new secret shown once, the previous one signing alongside for 24 hours", async () => {
    const { data } = await create({ url: TARGET, events: ["user.created"] });
    const path = { projectId, webhookId: data!.data.id };
    const rotated = await owner.POST(`${ONE}/rotate-secret`, { params: { path } });
    expect(rotated.response.status).toBe(200);
    const { secret, previousSecretExpiresAt } = rotated.data!.data;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(data!.data.secret);
    expect(Date.parse(previousSecretExpiresAt!) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(await auditTypes(path.webhookId)).toContain("admin.webhook.rotate_secret");
  });

  it("is 404 for another project's webhook", async () => {
    const { data } = await create({ url: TARGET, events: ["user.created"] });
    const other = await createProject();
    const path = { projectId: other, webhookId: data!.data.id };
    expect((await owner.GET(ONE, { params: { path } })).response.status).toBe(404);
    expect((await owner.PATCH(ONE, { params: { path }, body: { enabled: false } })).response.status).toBe(404);
    expect((await owner.POST(`${ONE}/rotate-secret`, { params: { path } })).response.status).toBe(404);
  });
});

describe("GET /api/admin/projects/{projectId}/webhooks", () => {
  it("pages newest first with a keyset cursor, nothing skipped or repeated", async () => {
    const project = await createProject();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create({ url: TARGET, events: ["user.created"] }, owner, project)).data!.data.id);
    const first = await owner.GET(PATH, { params: { path: { projectId: project }, query: { limit: 2 } } });
    expect(first.data!.data).toHaveLength(2);
    const cursor = first.data!.meta.nextCursor!;
    const second = await owner.GET(PATH, { params: { path: { projectId: project }, query: { limit: 2, cursor } } });
    expect(second.data!.meta.nextCursor).toBeNull();
    expect(new Set([...first.data!.data, ...second.data!.data].map((w) => w.id))).toEqual(new Set(ids));
    expect((await owner.GET(PATH, { params: { path: { projectId: project }, query: { cursor: "nope" } } })).response.status).toBe(400);
  });
});
