// Account takeover through social sign-in: an attacker's provider account claims the victim's
// address without the provider vouching for it. No account may be created from such an email, and
// a link made while the address was unproven (before that rule existed) is cut as soon as our own
// reset or verification link proves who owns the mailbox.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { iso } from "../../src/lib/clock";
import { auditRows, emailFlows, latestLink } from "../email/mailbox";
import { apiClient } from "../helpers/client";
import { bearer, uniqueId } from "../helpers/fixtures";
import { APP_REDIRECT, StubProvider, appRedirect, authorize, callback, exchange, installFetchStub, projectWithProvider, signIn } from "./stub-provider";

beforeAll(() => {
  installFetchStub();
});

const count = (sql: string, ...bindings: unknown[]) =>
  env.DB.prepare(sql)
    .bind(...bindings)
    .first<number>("n");

/** The attacker signs in through the provider and trades the code for tokens. */
async function attackerSignsIn(stub: StubProvider, projectId: string) {
  const { params, verifier } = await signIn(stub, projectId);
  const code = params.get("code");
  if (!code) return { error: params.get("error"), tokens: null };
  const response = await exchange(projectId, code, verifier);
  expect(response.status).toBe(200);
  return { error: null, tokens: ((await response.json()) as { data: { accessToken: string; refreshToken: string; user: { id: string } } }).data };
}

/**
 * The state an attacker could reach before the fix: a user created from the provider's unverified
 * claim of the victim's address, with the attacker's (issuer, subject) linked to it.
 */
async function legacyTakeoverState(stub: StubProvider, projectId: string, victim: string) {
  const userId = uniqueId("usr");
  const at = iso();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO users (id, project_id, email, email_normalized, display_name, password_hash, email_verified, created_at, updated_at)
       VALUES (?, ?, ?, ?, NULL, NULL, 0, ?, ?)`,
    ).bind(userId, projectId, victim, victim, at, at),
    env.DB.prepare(
      `INSERT INTO user_identities (project_id, issuer, subject, provider, user_id, created_at, last_login_at, email_verified_at_link)
       VALUES (?, ?, 'mallory-sub', 'corp', ?, ?, ?, 0)`,
    ).bind(projectId, stub.issuer, userId, at, at),
  ]);
  stub.login = { sub: "mallory-sub", email: victim, email_verified: false };
  const signedIn = await attackerSignsIn(stub, projectId);
  expect(signedIn.tokens?.user.id).toBe(userId);
  return { userId, attacker: signedIn.tokens! };
}

describe("social sign-in with an email the provider does not vouch for", () => {
  it("creates no account: the app gets error=email_not_verified and nothing is written", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const victim = `${uniqueId("victim")}@example.com`;
    stub.login = { sub: "mallory-sub", email: victim, email_verified: false };
    await authorize(stub, projectId);
    const params = appRedirect(await callback(projectId, { code: "c", state: stub.authorize!.get("state")! }));
    expect(params.get("error")).toBe("email_not_verified");
    expect(params.get("error_description")).toMatch(/does not confirm that this email address is yours/);
    expect(params.get("code")).toBeNull();
    expect(await count(`SELECT COUNT(*) AS n FROM users WHERE project_id = ?`, projectId)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM user_identities WHERE project_id = ?`, projectId)).toBe(0);
    const [audit] = (await auditRows(projectId, "auth.oauth.callback")).filter((r) => r.outcome === "failure");
    expect(audit?.details).toMatchObject({ reason: "provider_email_unverified", error: "email_not_verified" });
  });

  it("treats a missing email_verified claim as unverified", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    stub.login = { sub: "mallory-sub", email: `${uniqueId("victim")}@example.com` };
    expect((await attackerSignsIn(stub, projectId)).error).toBe("email_not_verified");
    expect(await count(`SELECT COUNT(*) AS n FROM users WHERE project_id = ?`, projectId)).toBe(0);
  });

  it("the victim then registers and resets as usual, and the attacker still cannot get in", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const victim = `${uniqueId("victim")}@example.com`;
    stub.login = { sub: "mallory-sub", email: victim, email_verified: false };
    expect((await attackerSignsIn(stub, projectId)).error).toBe("email_not_verified");

    const register = await apiClient().POST("/api/auth/{projectId}/register", {
      params: { path: { projectId } },
      body: { email: victim, password: "victims-own-passphrase" },
    });
    expect(register.response.status).toBe(201);
    const flows = emailFlows(projectId);
    expect((await flows.forgot(victim, APP_REDIRECT)).response.status).toBe(200);
    expect((await flows.reset((await latestLink(projectId, victim)).token, "victims-new-passphrase")).response.status).toBe(200);
    expect((await attackerSignsIn(stub, projectId)).error).toBe("account_exists_unverified");
  });
});

describe("identities linked while the address was unverified", () => {
  it("are removed when a password reset proves the mailbox: the attacker's sessions end and the provider no longer signs in", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const victim = `${uniqueId("victim")}@example.com`;
    const { userId, attacker } = await legacyTakeoverState(stub, projectId, victim);

    const flows = emailFlows(projectId);
    expect((await flows.forgot(victim, APP_REDIRECT)).response.status).toBe(200);
    const reset = await flows.reset((await latestLink(projectId, victim)).token, "victims-new-passphrase");
    expect(reset.response.status).toBe(200);
    expect(reset.data?.data.sessionsEnded).toBe(1);

    expect(await count(`SELECT COUNT(*) AS n FROM user_identities WHERE project_id = ? AND user_id = ?`, projectId, userId)).toBe(0);
    const refresh = await apiClient().POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: attacker.refreshToken } });
    expect(refresh.response.status).toBe(401);
    expect((await bearer(attacker.accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } })).response.status).toBe(401);
    const [unlinked] = await auditRows(projectId, "auth.identity.unlinked");
    expect(unlinked).toMatchObject({ outcome: "success", target_id: userId });
    expect(unlinked!.details).toMatchObject({
      reason: "linked_while_email_unverified",
      proof: "password_reset",
      identities: [{ provider: "corp", issuer: stub.issuer }],
    });

    // The provider account no longer leads to the victim's account.
    expect((await attackerSignsIn(stub, projectId)).error).toBe("account_exists_unverified");
    expect((await flows.login(victim, "victims-new-passphrase")).response.status).toBe(200);
  });

  it("are removed when a verification link the attacker requested is confirmed by the owner, ending the attacker's sessions", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const victim = `${uniqueId("victim")}@example.com`;
    const { userId, attacker } = await legacyTakeoverState(stub, projectId, victim);

    const flows = emailFlows(projectId);
    expect((await flows.sendVerification(attacker.accessToken, { redirectUrl: APP_REDIRECT })).response.status).toBe(200);
    const confirmed = await flows.confirm((await latestLink(projectId, victim)).token);
    expect(confirmed.response.status).toBe(200);
    expect(confirmed.data?.data.user.emailVerified).toBe(true);

    expect(await count(`SELECT COUNT(*) AS n FROM user_identities WHERE project_id = ? AND user_id = ?`, projectId, userId)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM sessions WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL`, projectId, userId)).toBe(0);
    const refresh = await apiClient().POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: attacker.refreshToken } });
    expect(refresh.response.status).toBe(401);
    const [unlinked] = await auditRows(projectId, "auth.identity.unlinked");
    expect(unlinked!.details).toMatchObject({ reason: "linked_while_email_unverified", proof: "email_verification" });
    expect((await attackerSignsIn(stub, projectId)).error).toBe("account_exists_unverified");
  });

  it("keeps identities linked to a verified address, and the sessions of a user who has none to remove", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const email = `${uniqueId("alice")}@example.com`;
    stub.login = { sub: "alice-sub", email, email_verified: true };
    const alice = (await attackerSignsIn(stub, projectId)).tokens!;
    // An admin changes the address: the new one is unverified, the link was made to a verified one.
    await env.DB.prepare(`UPDATE users SET email_verified = 0 WHERE id = ?`).bind(alice.user.id).run();
    const flows = emailFlows(projectId);
    expect((await flows.sendVerification(alice.accessToken, { redirectUrl: APP_REDIRECT })).response.status).toBe(200);
    expect((await flows.confirm((await latestLink(projectId, email)).token)).response.status).toBe(200);
    expect(await count(`SELECT COUNT(*) AS n FROM user_identities WHERE project_id = ? AND user_id = ?`, projectId, alice.user.id)).toBe(1);
    expect((await bearer(alice.accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } })).response.status).toBe(200);
    expect(await auditRows(projectId, "auth.identity.unlinked")).toEqual([]);
  });
});
