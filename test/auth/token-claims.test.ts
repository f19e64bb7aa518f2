import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";

type Client = ReturnType<typeof adminClient>;
let owner: Client;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
});

const inProject = (projectId: string) => ({ params: { path: { projectId } } });
const refresh = (projectId: string, refreshToken: string) => api.POST("/api/auth/{projectId}/refresh", { ...inProject(projectId), body: { refreshToken } });
const patchUser = (projectId: string, userId: string, body: Record<string, unknown>) =>
  owner.PATCH("/api/admin/projects/{projectId}/users/{userId}", { params: { path: { projectId, userId } }, body: body as never });
const patchProject = (projectId: string, body: Record<string, unknown>) =>
  owner.PATCH("/api/admin/projects/{projectId}", { ...inProject(projectId), body: body as never });

describe("profile claims in the access token (email, email_verified, app_metadata)", () => {
  it("are in the tokens of register and login", async () => {
    const projectId = await createProject();
    const u = await registerUser(projectId);
    expect(decodeJwt(u.accessToken)).toMatchObject({ sub: u.user.id, email: u.email, email_verified: false, app_metadata: {} });
    await patchUser(projectId, u.user.id, { appMetadata: { roles: ["admin"] }, emailVerified: true });
    const login = await api.POST("/api/auth/{projectId}/login", { ...inProject(projectId), body: { email: u.email, password: PASSWORD } });
    expect(decodeJwt(tokensOf(login.data!.data).accessToken)).toMatchObject({ email: u.email, email_verified: true, app_metadata: { roles: ["admin"] } });
  });

  it("are read afresh at refresh: a changed appMetadata, email or verification shows in the next access token", async () => {
    const projectId = await createProject();
    const u = await registerUser(projectId);
    const email = `new_${u.email}`;
    await patchUser(projectId, u.user.id, { appMetadata: { plan: "pro" }, email, emailVerified: true });
    const next = await refresh(projectId, u.refreshToken);
    expect(next.response.status).toBe(200);
    const claims = decodeJwt(next.data!.data.accessToken);
    expect(claims).toMatchObject({ email, email_verified: true, app_metadata: { plan: "pro" } });
    // The user's own metadata never goes into the token.
    expect(claims).not.toHaveProperty("metadata");
    // A grace-window duplicate gets the same fresh claims.
    const duplicate = await refresh(projectId, u.refreshToken);
    expect(decodeJwt(duplicate.data!.data.accessToken)).toMatchObject({ app_metadata: { plan: "pro" } });
  });

  it("are left out when the project's includeProfileClaims is false (default true)", async () => {
    const projectId = await createProject();
    expect((await owner.GET("/api/admin/projects/{projectId}", inProject(projectId))).data!.data).toMatchObject({ includeProfileClaims: true });
    const u = await registerUser(projectId);
    const changed = await patchProject(projectId, { includeProfileClaims: false });
    expect(changed.response.status).toBe(200);
    expect(changed.data!.data).toMatchObject({ includeProfileClaims: false });
    const next = await refresh(projectId, u.refreshToken);
    const claims = decodeJwt(next.data!.data.accessToken);
    expect(claims).toMatchObject({ sub: u.user.id, sid: expect.any(String) });
    for (const claim of ["email", "email_verified", "app_metadata"]) expect(claims).not.toHaveProperty(claim);
    const fresh = await registerUser(projectId);
    expect(decodeJwt(fresh.accessToken)).not.toHaveProperty("email");
    await patchProject(projectId, { includeProfileClaims: true });
    expect(decodeJwt((await refresh(projectId, next.data!.data.refreshToken)).data!.data.accessToken)).toMatchObject({ email: u.email });
  });

  it("refuses a non-boolean includeProfileClaims with 400 VALIDATION_ERROR", async () => {
    const projectId = await createProject();
    const res = await patchProject(projectId, { includeProfileClaims: "yes" });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({ code: "VALIDATION_ERROR", details: [{ path: "includeProfileClaims" }] });
  });

  it("are listed in the discovery document", async () => {
    const projectId = await createProject();
    const { data } = await api.GET("/api/auth/{projectId}/.well-known/openid-configuration", inProject(projectId));
    expect(data!.claims_supported).toEqual(expect.arrayContaining(["email", "email_verified", "app_metadata"]));
  });
});
