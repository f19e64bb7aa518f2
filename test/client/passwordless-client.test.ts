// The session client's passwordless methods against the real Worker: the code read from the outbox,
// the session stored and announced like signIn's.
import { describe, expect, it } from "vitest";
import { type AuthChangeEvent, createAuthClient } from "../../src/client";
import { BASE_URL, call } from "../helpers/client";
import { tokensOf, uniqueId } from "../helpers/fixtures";
import { REDIRECT, latestLink, mailedCode, otherCode, passwordlessProject } from "../passwordless/helpers";

function kit(projectId: string) {
  const auth = createAuthClient({ baseUrl: BASE_URL, projectId, fetch: (request) => call(request) });
  const events: AuthChangeEvent[] = [];
  auth.onAuthStateChange((event) => events.push(event));
  return { auth, events };
}

describe("createAuthClient: passwordless", () => {
  it("startPasswordless then verifyPasswordless with the code stores the session", async () => {
    const projectId = await passwordlessProject();
    const { auth, events } = kit(projectId);
    const email = `${uniqueId("kitpl")}@example.com`;
    expect(await auth.startPasswordless({ email })).toEqual({ data: { sent: true }, error: null });
    const wrong = await auth.verifyPasswordless({ email, code: otherCode(await mailedCode(projectId, email)) });
    expect(wrong).toMatchObject({ data: null, error: { status: 401, code: "INVALID_CODE" } });
    expect(await auth.getSession()).toBeNull();

    const signedIn = await auth.verifyPasswordless({ email, code: await mailedCode(projectId, email) });
    expect(tokensOf(signedIn.data!).user).toMatchObject({ email, emailVerified: true });
    expect(events).toEqual(["SIGNED_IN"]);
    expect((await auth.getSession())?.user?.email).toBe(email);
    expect((await auth.getUser()).data).toMatchObject({ email });
  });

  it("verifies the link's token, and reports a bad redirectUrl", async () => {
    const projectId = await passwordlessProject();
    const { auth } = kit(projectId);
    const email = `${uniqueId("kitpl")}@example.com`;
    const bad = await auth.startPasswordless({ email, redirectUrl: "https://elsewhere.example.com/" });
    expect(bad).toMatchObject({ data: null, error: { status: 400, code: "VALIDATION_ERROR" } });
    await auth.startPasswordless({ email, redirectUrl: REDIRECT });
    const { token } = await latestLink(projectId, email);
    const signedIn = await auth.verifyPasswordless({ token });
    expect(tokensOf(signedIn.data!).user.email).toBe(email);
    expect(await auth.getAccessToken()).toBe(tokensOf(signedIn.data!).accessToken);
  });
});
