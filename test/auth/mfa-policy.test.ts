import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { bearer, createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";

type Client = ReturnType<typeof adminClient>;
let owner: Client;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
});

const inProject = (projectId: string) => ({ params: { path: { projectId } } });
const patchProject = (projectId: string, body: Record<string, unknown>) =>
  owner.PATCH("/api/admin/projects/{projectId}", { ...inProject(projectId), body: body as never });
const login = async (projectId: string, email: string) =>
  tokensOf((await api.POST("/api/auth/{projectId}/login", { ...inProject(projectId), body: { email, password: PASSWORD } })).data!.data);

describe("amr: how a session was signed in, in every access token", () => {
  it("is ['pwd'] after register and login, and survives refresh", async () => {
    const projectId = await createProject();
    const u = await registerUser(projectId);
    expect(decodeJwt(u.accessToken).amr).toEqual(["pwd"]);
    const session = await login(projectId, u.email);
    expect(decodeJwt(session.accessToken).amr).toEqual(["pwd"]);
    const next = await api.POST("/api/auth/{projectId}/refresh", { ...inProject(projectId), body: { refreshToken: session.refreshToken } });
    expect(decodeJwt(next.data!.data.accessToken).amr).toEqual(["pwd"]);
    expect(decodeJwt(next.data!.data.accessToken)).not.toHaveProperty("restricted");
  });
});

describe('project setting mfa: "required"', () => {
  it("restricts a session without a second factor to the enrollment routes, judged on the live setting", async () => {
    const projectId = await createProject();
    const u = await registerUser(projectId);
    expect((await patchProject(projectId, { mfa: "required" })).data!.data.mfa).toBe("required");
    const session = await login(projectId, u.email);
    expect(decodeJwt(session.accessToken)).toMatchObject({ amr: ["pwd"], restricted: "mfa_enrollment" });
    const user = bearer(session.accessToken);
    expect((await user.GET("/api/auth/{projectId}/me", inProject(projectId))).response.status).toBe(200);
    const patched = await user.PATCH("/api/auth/{projectId}/me", { ...inProject(projectId), body: { displayName: "Blocked" } });
    expect(patched.response.status).toBe(403);
    expect(patched.error!.code).toBe("MFA_REQUIRED");
    expect((await user.GET("/api/auth/{projectId}/sessions", inProject(projectId))).error!.code).toBe("MFA_REQUIRED");
    // A token issued before the policy changed is judged on the policy of now.
    expect((await bearer(u.accessToken).GET("/api/auth/{projectId}/sessions", inProject(projectId))).error!.code).toBe("MFA_REQUIRED");
    await patchProject(projectId, { mfa: "optional" });
    expect((await user.GET("/api/auth/{projectId}/sessions", inProject(projectId))).response.status).toBe(200);
  });
});

describe("sign-in method settings (Admin API)", () => {
  it("default to optional MFA, no passkeys, no passwordless, open sign-up", async () => {
    const projectId = await createProject();
    const { data } = await owner.GET("/api/admin/projects/{projectId}", inProject(projectId));
    expect(data!.data).toMatchObject({ mfa: "optional", webauthn: null, passwordless: false, allowSignUp: true });
  });

  it("validate passkey settings: every origin must be the rpId's host or a subdomain of it", async () => {
    const projectId = await createProject();
    const bad = await patchProject(projectId, { webauthn: { rpId: "example.com", rpName: "Example", origins: ["https://evil.test"] } });
    expect(bad.response.status).toBe(400);
    expect(bad.error!.code).toBe("VALIDATION_ERROR");
    expect(JSON.stringify(bad.error)).toContain("origins");
    for (const rpId of ["https://example.com", "Example.com", "example.com:443", ""]) {
      const refused = await patchProject(projectId, { webauthn: { rpId, rpName: "Example", origins: ["https://example.com"] } });
      expect(refused.response.status, rpId).toBe(400);
    }
    const webauthn = { rpId: "example.com", rpName: "Example", origins: ["https://example.com", "https://app.example.com"] };
    expect((await patchProject(projectId, { webauthn, passwordless: true, allowSignUp: false })).data!.data).toMatchObject({
      webauthn,
      passwordless: true,
      allowSignUp: false,
    });
    expect((await patchProject(projectId, { webauthn: null })).data!.data.webauthn).toBeNull();
  });
});
