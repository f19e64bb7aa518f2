import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { bearer, createProject, registerUser } from "../helpers/fixtures";

type Client = ReturnType<typeof adminClient>;
const USER = "/api/admin/projects/{projectId}/users/{userId}";

let owner: Client;
let viewer: Client;
let projectId: string;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
  viewer = adminClient((await adminWithRole("viewer")).token);
  projectId = await createProject();
});

const user = (userId: string) => ({ params: { path: { projectId, userId } } });
// Untyped body on purpose: the refusals send what the typed client would not let through.
const patchUser = (userId: string, body: Record<string, unknown>, as = owner) => as.PATCH(USER, { ...user(userId), body: body as never });
const getMe = (accessToken: string) => bearer(accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } });

describe("appMetadata (PATCH /api/admin/projects/:projectId/users/:userId)", () => {
  it("is set by an admin and shown by the admin endpoints and the user's /me", async () => {
    const u = await registerUser(projectId);
    const appMetadata = { roles: ["editor"], plan: "pro", quota: { seats: 5 } };
    const patched = await patchUser(u.user.id, { appMetadata });
    expect(patched.response.status).toBe(200);
    expect(patched.data!.data).toMatchObject({ appMetadata, metadata: {} });
    expect((await owner.GET(USER, user(u.user.id))).data!.data.appMetadata).toEqual(appMetadata);
    const list = await owner.GET("/api/admin/projects/{projectId}/users", { params: { path: { projectId } } });
    expect(list.data!.data.find((row) => row.id === u.user.id)).toMatchObject({ appMetadata, metadata: {} });
    expect((await getMe(u.accessToken)).data!.data.appMetadata).toEqual(appMetadata);
  });

  it("shows the user's own metadata to the admin, and lets the admin change it too", async () => {
    const u = await registerUser(projectId);
    await bearer(u.accessToken).PATCH("/api/auth/{projectId}/me", { params: { path: { projectId } }, body: { metadata: { theme: "dark" } } as never });
    expect((await owner.GET(USER, user(u.user.id))).data!.data.metadata).toEqual({ theme: "dark" });
    const patched = await patchUser(u.user.id, { metadata: { theme: "light" } });
    expect(patched.data!.data).toMatchObject({ metadata: { theme: "light" }, appMetadata: {} });
  });

  it("refuses more than 4 KiB or a non-object with 400 VALIDATION_ERROR naming the field", async () => {
    const u = await registerUser(projectId);
    const big = { v: "x".repeat(4097 - '{"v":""}'.length) };
    for (const appMetadata of [big, [1], "admin", null]) {
      const res = await patchUser(u.user.id, { appMetadata });
      expect(res.response.status).toBe(400);
      expect(res.error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "appMetadata" }] });
    }
    expect((await owner.GET(USER, user(u.user.id))).data!.data.appMetadata).toEqual({});
  });

  it("is refused to a viewer, and audited without its content", async () => {
    const u = await registerUser(projectId);
    expect((await patchUser(u.user.id, { appMetadata: { role: "x" } }, viewer)).response.status).toBe(403);
    await patchUser(u.user.id, { appMetadata: { secretish: "value" } });
    const row = await env.DB.prepare(`SELECT details FROM audit_log WHERE target_id = ? AND type = 'admin.user.update'`)
      .bind(u.user.id)
      .first<{ details: string }>();
    expect(JSON.parse(row!.details)).toEqual({ appMetadata: "changed" });
  });
});
