import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/client";
import { bearer, createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});

const inProject = () => ({ params: { path: { projectId } } });
const patchMe = (accessToken: string, body: Record<string, unknown>) =>
  // Untyped body on purpose: the refusals send what the typed client would not let through.
  bearer(accessToken).PATCH("/api/auth/{projectId}/me", { ...inProject(), body: body as never });
const getMe = (accessToken: string) => bearer(accessToken).GET("/api/auth/{projectId}/me", inProject());

/** A JSON object whose serialization is exactly `bytes` UTF-8 bytes long. */
const objectOfSize = (bytes: number) => ({ v: "x".repeat(bytes - '{"v":""}'.length) });

describe("user metadata (PATCH /api/auth/:projectId/me)", () => {
  it("starts empty, is set by the user and returned by GET /me, with an empty appMetadata", async () => {
    const user = await registerUser(projectId);
    expect(user.user).toMatchObject({ metadata: {}, appMetadata: {} });
    const metadata = { theme: "dark", onboarding: { step: 3, done: false }, tags: ["a", "b"] };
    const patched = await patchMe(user.accessToken, { metadata });
    expect(patched.response.status).toBe(200);
    expect(patched.data!.data).toMatchObject({ metadata, appMetadata: {}, displayName: "Test User" });
    expect((await getMe(user.accessToken)).data!.data).toMatchObject({ metadata, appMetadata: {} });
  });

  it("replaces the whole object, and {} clears it; a displayName-only update keeps it", async () => {
    const user = await registerUser(projectId);
    await patchMe(user.accessToken, { metadata: { a: 1, b: 2 } });
    expect((await patchMe(user.accessToken, { metadata: { c: 3 } })).data!.data.metadata).toEqual({ c: 3 });
    const renamed = await patchMe(user.accessToken, { displayName: "Renamed" });
    expect(renamed.data!.data).toMatchObject({ displayName: "Renamed", metadata: { c: 3 } });
    expect((await patchMe(user.accessToken, { metadata: {} })).data!.data.metadata).toEqual({});
  });

  it("accepts exactly 4 KiB serialized and refuses one byte more with 400 VALIDATION_ERROR naming the field", async () => {
    const user = await registerUser(projectId);
    const max = objectOfSize(4096);
    expect(new TextEncoder().encode(JSON.stringify(max)).length).toBe(4096);
    expect((await patchMe(user.accessToken, { metadata: max })).response.status).toBe(200);
    const tooBig = await patchMe(user.accessToken, { metadata: objectOfSize(4097) });
    expect(tooBig.response.status).toBe(400);
    expect(tooBig.error).toMatchObject({ success: false, code: "VALIDATION_ERROR", details: [{ path: "metadata" }] });
    expect(tooBig.error!.error).toContain("metadata");
    // Multi-byte characters count as the bytes they take.
    const wide = await patchMe(user.accessToken, { metadata: { v: "é".repeat(2045) } });
    expect(wide.response.status).toBe(400);
    expect((await getMe(user.accessToken)).data!.data.metadata).toEqual(max);
  });

  it("refuses anything but a JSON object with 400 VALIDATION_ERROR naming the field", async () => {
    const user = await registerUser(projectId);
    for (const metadata of [[1, 2], "text", 42, null, true]) {
      const res = await patchMe(user.accessToken, { metadata });
      expect(res.response.status).toBe(400);
      expect(res.error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "metadata" }] });
    }
  });

  it("does not let the user write appMetadata, and needs at least one field", async () => {
    const user = await registerUser(projectId);
    const res = await patchMe(user.accessToken, { appMetadata: { role: "admin" } });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({ code: "VALIDATION_ERROR" });
    expect((await patchMe(user.accessToken, {})).response.status).toBe(400);
    expect((await getMe(user.accessToken)).data!.data.appMetadata).toEqual({});
  });

  it("returns both in the user of a login", async () => {
    const user = await registerUser(projectId);
    await patchMe(user.accessToken, { metadata: { lang: "fr" } });
    const { data } = await api.POST("/api/auth/{projectId}/login", { ...inProject(), body: { email: user.email, password: PASSWORD } });
    expect(tokensOf(data!.data).user).toMatchObject({ metadata: { lang: "fr" }, appMetadata: {} });
  });
});
