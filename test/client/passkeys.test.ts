// The session client's passkey methods against the real Worker, with the software authenticator
// injected where a browser would use navigator.credentials.
import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createAuthClient } from "../../src/client";
import { BASE_URL, call } from "../helpers/client";
import { PASSWORD, createProject, uniqueId } from "../helpers/fixtures";
import { SoftAuthenticator } from "../helpers/webauthn";

const ORIGIN = "https://app.example.com";

async function project(webauthn = true) {
  const projectId = await createProject();
  if (webauthn) {
    await env.DB.prepare(`UPDATE projects SET webauthn = ? WHERE id = ?`)
      .bind(JSON.stringify({ rpId: "example.com", rpName: "Kit", origins: [ORIGIN] }), projectId)
      .run();
  }
  return projectId;
}

describe("AuthClient passkeys", () => {
  it("adds a passkey, lists, renames it, signs out, signs in with it (session stored), removes it", async () => {
    const projectId = await project();
    const authenticator = new SoftAuthenticator(ORIGIN);
    const auth = createAuthClient({ baseUrl: BASE_URL, projectId, fetch: call, passkeys: authenticator });
    const email = `${uniqueId("kit")}@example.com`;
    expect((await auth.signUp({ email, password: PASSWORD })).error).toBeNull();
    const added = await auth.addPasskey({ name: "Kit key" });
    expect(added.error).toBeNull();
    expect(added.data).toMatchObject({ name: "Kit key", transports: ["internal"] });
    expect((await auth.listPasskeys()).data!.map((p) => p.id)).toEqual([added.data!.id]);
    expect((await auth.renamePasskey(added.data!.id, "Renamed")).data!.name).toBe("Renamed");

    await auth.signOut();
    expect(await auth.getSession()).toBeNull();
    const signedIn = await auth.signInWithPasskey();
    expect(signedIn.error).toBeNull();
    expect(signedIn.data!.user.email).toBe(email);
    const session = await auth.getSession();
    expect(decodeJwt(session!.accessToken).amr).toEqual(["webauthn"]);
    expect((await auth.getUser()).data!.email).toBe(email);

    expect((await auth.removePasskey(added.data!.id)).data).toEqual({ removed: true });
    expect((await auth.removePasskey(added.data!.id)).error).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("answers WEBAUTHN_ERROR (status 0) without WebAuthn or when the authenticator refuses, and the server's error otherwise", async () => {
    const projectId = await project();
    const bare = createAuthClient({ baseUrl: BASE_URL, projectId, fetch: call });
    expect(await bare.signInWithPasskey()).toMatchObject({ data: null, error: { status: 0, code: "WEBAUTHN_ERROR" } });
    const refusing = createAuthClient({
      baseUrl: BASE_URL,
      projectId,
      fetch: call,
      passkeys: {
        create: () => Promise.reject(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError")),
        get: () => Promise.reject(new DOMException("The operation either timed out or was not allowed.", "NotAllowedError")),
      },
    });
    const cancelled = await refusing.signInWithPasskey();
    expect(cancelled.error).toMatchObject({ status: 0, code: "WEBAUTHN_ERROR" });
    expect(cancelled.error!.message).toContain("NotAllowedError");
    expect(await refusing.getSession()).toBeNull();
    const off = createAuthClient({ baseUrl: BASE_URL, projectId: await project(false), fetch: call, passkeys: new SoftAuthenticator(ORIGIN) });
    expect((await off.signInWithPasskey()).error).toMatchObject({ status: 403, code: "METHOD_DISABLED" });
  });
});
