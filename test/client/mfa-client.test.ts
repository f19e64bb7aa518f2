// The session client's second-factor methods against the real Worker (codes from otpauth).
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuthClient } from "../../src/client";
import { adminClient, ownerToken } from "../helpers/admin";
import { BASE_URL, call } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { PASSWORD, createProject, uniqueId } from "../helpers/fixtures";
import { codeAt, midStep } from "../mfa/helpers";

afterEach(() => vi.useRealTimers());

describe("createAuthClient: second factors", () => {
  it("enrolls (refreshing out of the restricted session), gets the challenge from signIn, and verifyMfa stores the session", async () => {
    const clock = fakeClock(midStep(Date.now()));
    const projectId = await createProject();
    await adminClient(await ownerToken()).PATCH("/api/admin/projects/{projectId}", { params: { path: { projectId } }, body: { mfa: "required" } });
    const auth = createAuthClient({ baseUrl: BASE_URL, projectId, fetch: (r) => call(r) });
    const email = `${uniqueId("kit")}@example.com`;
    await auth.signUp({ email, password: PASSWORD });
    expect(decodeJwt((await auth.getSession())!.accessToken).restricted).toBe("mfa_enrollment");
    const enrolled = await auth.enrollTotp();
    const secret = enrolled.data!.secret;
    const confirmed = await auth.confirmTotp({ code: codeAt(secret) });
    expect(confirmed.data!.recoveryCodes).toHaveLength(10);
    const unrestricted = decodeJwt((await auth.getSession())!.accessToken);
    expect(unrestricted.amr).toEqual(["pwd", "otp"]);
    expect(unrestricted).not.toHaveProperty("restricted");

    await auth.signOut();
    const signIn = await auth.signIn({ email, password: PASSWORD });
    expect(signIn.data).toMatchObject({ mfaRequired: true });
    expect(await auth.getSession()).toBeNull();
    clock.tick(30_000);
    const wrong = await auth.verifyMfa({ mfaToken: (signIn.data as { mfaToken: string }).mfaToken, code: codeAt(secret, 5) });
    expect(wrong.error).toMatchObject({ status: 401, code: "INVALID_CODE" });
    const verified = await auth.verifyMfa({ mfaToken: (signIn.data as { mfaToken: string }).mfaToken, code: codeAt(secret) });
    expect(verified.data!.user.email).toBe(email);
    expect((await auth.getSession())!.accessToken).toBe(verified.data!.accessToken);
    clock.tick(30_000);
    expect((await auth.disableTotp({ code: codeAt(secret) })).data).toEqual({ disabled: true });
    expect((await auth.getUser()).data!.mfa).toEqual({ totp: false, passkeys: 0 });
  });
});
