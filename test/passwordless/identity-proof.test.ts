// A passwordless sign-in proves the mailbox, as a reset link does: a provider identity linked while
// the address was unverified (the legacy takeover state of test/oauth/takeover.test.ts) is cut and
// its sessions end.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { iso } from "../../src/lib/clock";
import { auditRows } from "../email/mailbox";
import { apiClient } from "../helpers/client";
import { tokensOf, uniqueId } from "../helpers/fixtures";
import { StubProvider, exchange, installFetchStub, projectWithProvider, signIn } from "../oauth/stub-provider";
import { passwordless, setPasswordless, startAndRead } from "./helpers";

beforeAll(() => {
  installFetchStub();
});

describe("passwordless sign-in and identities linked while the address was unverified", () => {
  it("cuts them: the attacker's session ends and the provider no longer leads to the account", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    await setPasswordless(projectId);
    const victim = `${uniqueId("victim")}@example.com`;
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
    const { params, verifier } = await signIn(stub, projectId);
    const attacker = (await (await exchange(projectId, params.get("code")!, verifier)).json()) as { data: { refreshToken: string } };

    const code = await startAndRead(projectId, victim);
    const verified = await passwordless(projectId).verifyCode(victim, code);
    expect(tokensOf(verified.data!.data).user).toMatchObject({ id: userId, emailVerified: true });

    const identities = await env.DB.prepare(`SELECT COUNT(*) AS n FROM user_identities WHERE project_id = ? AND user_id = ?`)
      .bind(projectId, userId)
      .first("n");
    expect(identities).toBe(0);
    const refresh = await apiClient().POST("/api/auth/{projectId}/refresh", {
      params: { path: { projectId } },
      body: { refreshToken: attacker.data.refreshToken },
    });
    expect(refresh.response.status).toBe(401);
    expect((await auditRows(projectId, "auth.identity.unlinked"))[0]).toMatchObject({ target_id: userId, details: { proof: "passwordless" } });
    // The owner's new session is not among those ended.
    const mine = await apiClient().POST("/api/auth/{projectId}/refresh", {
      params: { path: { projectId } },
      body: { refreshToken: tokensOf(verified.data!.data).refreshToken },
    });
    expect(mine.response.status).toBe(200);
  });
});
