// allowSignUp: false. No new accounts through the Auth API (register, social, passwordless);
// existing users sign in as before and admins still create users.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { auditRows, emailFlows, inbox } from "../email/mailbox";
import { adminClient, ownerToken } from "../helpers/admin";
import { api } from "../helpers/client";
import { PASSWORD, registerUser, tokensOf, uniqueId } from "../helpers/fixtures";
import { StubProvider, installFetchStub, projectWithProvider, signIn } from "../oauth/stub-provider";
import { passwordless, setPasswordless, startAndRead } from "./helpers";

beforeAll(() => {
  installFetchStub();
});

const newEmail = () => `${uniqueId("closed")}@example.com`;
const countUsers = (projectId: string, email: string) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE project_id = ? AND email_normalized = ?`).bind(projectId, email).first<number>("n");

describe("allowSignUp: false", () => {
  it("POST /register answers 403 SIGN_UP_DISABLED and creates nobody", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    await setPasswordless(projectId, { allowSignUp: false });
    const email = newEmail();
    const { response, error } = await api.POST("/api/auth/{projectId}/register", { params: { path: { projectId } }, body: { email, password: PASSWORD } });
    expect(response.status).toBe(403);
    expect(error).toMatchObject({ code: "SIGN_UP_DISABLED" });
    expect(await countUsers(projectId, email)).toBe(0);
    expect((await auditRows(projectId, "auth.register")).at(-1)).toMatchObject({ outcome: "failure", details: { reason: "sign_up_disabled" } });
  });

  it("social sign-in of an unknown user creates no account: the app gets error=sign_up_disabled", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    await setPasswordless(projectId, { allowSignUp: false });
    const email = newEmail();
    stub.login = { sub: uniqueId("sub"), email, email_verified: true };
    const { params } = await signIn(stub, projectId);
    expect(params.get("error")).toBe("sign_up_disabled");
    expect(params.get("code")).toBeNull();
    expect(await countUsers(projectId, email)).toBe(0);
  });

  it("social sign-in of an existing user still works (linking by a vouched email)", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const user = await registerUser(projectId);
    await env.DB.prepare(`UPDATE users SET email_verified = 1 WHERE id = ?`).bind(user.user.id).run();
    await setPasswordless(projectId, { allowSignUp: false });
    stub.login = { sub: uniqueId("sub"), email: user.email, email_verified: true };
    const { params } = await signIn(stub, projectId);
    expect(params.get("error")).toBeNull();
    expect(params.get("code")).toBeTruthy();
  });

  it("passwordless: an unknown address gets no email and no account; an existing user signs in", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const user = await registerUser(projectId);
    await setPasswordless(projectId, { allowSignUp: false });
    const unknown = newEmail();
    expect((await passwordless(projectId).start(unknown)).response.status).toBe(200);
    expect(await inbox(projectId, unknown)).toEqual([]);
    expect(await countUsers(projectId, unknown)).toBe(0);
    const code = await startAndRead(projectId, user.email);
    const verified = await passwordless(projectId).verifyCode(user.email, code);
    expect(tokensOf(verified.data!.data).user.id).toBe(user.user.id);
  });

  it("a code mailed while sign-up was open does not create the account once it is closed", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    await setPasswordless(projectId);
    const email = newEmail();
    const code = await startAndRead(projectId, email);
    await setPasswordless(projectId, { allowSignUp: false });
    expect((await passwordless(projectId).verifyCode(email, code)).error).toMatchObject({ code: "INVALID_CODE" });
    expect(await countUsers(projectId, email)).toBe(0);
  });

  it("admins still create users, who sign in", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    await setPasswordless(projectId, { allowSignUp: false });
    const owner = adminClient(await ownerToken());
    const email = newEmail();
    const created = await owner.POST("/api/admin/projects/{projectId}/users", { params: { path: { projectId } }, body: { email, password: PASSWORD } });
    expect(created.response.status).toBe(201);
    expect((await emailFlows(projectId).login(email, PASSWORD)).response.status).toBe(200);
    const code = await startAndRead(projectId, email);
    expect((await passwordless(projectId).verifyCode(email, code)).response.status).toBe(200);
  });
});
