import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { open, openSealed } from "../../src/crypto/box";
import { signingKeyPurpose } from "../../src/crypto/keys";
import { pepperId } from "../../src/crypto/password";
import { clientSecretPurpose, openClientSecret } from "../../src/oauth/client-secret";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { PASSWORD, createProject, registerUser, tokensOf } from "../helpers/fixtures";
import { clientWithEnv } from "../helpers/with-env";
import { codeAt, userWithTotp } from "../mfa/helpers";
import { projectWithWebhook } from "../webhooks/support";
import { openWebhookSecret } from "../../src/webhooks/signing";

const OLD = env.KEY_ENCRYPTION_SECRET!;
const NEW = "a-brand-new-key-encryption-secret-0123456789";
const ROTATING = { KEY_ENCRYPTION_SECRET: NEW, KEY_ENCRYPTION_SECRET_PREVIOUS: OLD };
const DONE = { KEY_ENCRYPTION_SECRET: NEW, KEY_ENCRYPTION_SECRET_PREVIOUS: undefined };

const login = (overrides: Partial<Cloudflare.Env>, projectId: string, email: string, password = PASSWORD) =>
  clientWithEnv(overrides).POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password } });

async function boxesOf(projectId: string) {
  const key = await env.DB.prepare(`SELECT id, private_jwk_box AS box FROM signing_keys WHERE project_id = ?`)
    .bind(projectId)
    .first<{ id: string; box: string }>();
  const provider = await env.DB.prepare(`SELECT client_secret_box AS box FROM oauth_providers WHERE project_id = ? AND slug = 'github'`)
    .bind(projectId)
    .first<{ box: string }>();
  return { key: key!, providerBox: provider!.box };
}

/** Calls the reseal until it reports the end; the summed counts per kind. */
async function resealAll(overrides: Partial<Cloudflare.Env>, token: string) {
  const client = clientWithEnv(overrides, { "X-Admin-Session": token });
  const totals: Record<string, { resealed: number; current: number; unreadable: number }> = {};
  let cursor: string | undefined;
  for (let calls = 0; calls < 50; calls++) {
    const { data, response } = await client.POST("/api/admin/maintenance/reseal", { body: cursor ? { cursor } : {} });
    expect(response.status).toBe(200);
    for (const [kind, counts] of Object.entries(data!.data.kinds)) {
      totals[kind] ??= { resealed: 0, current: 0, unreadable: 0 };
      const t = totals[kind]!;
      t.resealed += counts.resealed;
      t.current += counts.current;
      t.unreadable += counts.unreadable;
    }
    cursor = data!.data.nextCursor ?? undefined;
    if (!cursor) return totals;
  }
  throw new Error("reseal never finished");
}

describe("KEY_ENCRYPTION_SECRET rotation", () => {
  it("opens everything with the previous secret, re-seals it under the new one, and works once the previous is removed", async () => {
    const projectId = await createProject();
    const user = await registerUser(projectId);
    const token = await ownerToken();
    const put = await adminClient(token).PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
      params: { path: { projectId, provider: "github" } },
      body: { type: "github", clientId: "gh-client", clientSecret: "gh-secret-value" },
    });
    expect(put.response.status).toBe(201);
    const before = await boxesOf(projectId);
    expect(await openSealed({ current: NEW }, signingKeyPurpose(before.key.id), before.key.box)).toBeNull();

    // Step 1: new secret current, old one previous. Signing still works (the key opens with the previous secret).
    expect((await login(ROTATING, projectId, user.email)).response.status).toBe(200);
    const totals = await resealAll(ROTATING, token);
    expect(totals.signingKeys!.resealed).toBeGreaterThanOrEqual(1);
    expect(totals.providerClientSecrets!.resealed).toBeGreaterThanOrEqual(1);
    expect(totals.signingKeys!.unreadable + totals.providerClientSecrets!.unreadable).toBe(0);
    // A second pass has nothing left to do: resumable and idempotent.
    const again = await resealAll(ROTATING, token);
    expect(again.signingKeys).toMatchObject({ resealed: 0, unreadable: 0 });
    expect(again.providerClientSecrets).toMatchObject({ resealed: 0, unreadable: 0 });

    const after = await boxesOf(projectId);
    expect(after.key.box).not.toBe(before.key.box);
    expect(await open(NEW, signingKeyPurpose(after.key.id), after.key.box)).not.toBeNull();
    expect(await open(OLD, signingKeyPurpose(after.key.id), after.key.box)).toBeNull();
    expect(await open(NEW, clientSecretPurpose(projectId, "github"), after.providerBox)).toBe("gh-secret-value");

    // Step 2: previous removed. Logins sign with the re-sealed key; the provider secret opens.
    const signedIn = await login(DONE, projectId, user.email);
    expect(signedIn.response.status).toBe(200);
    expect(tokensOf(signedIn.data!.data).accessToken).toBeTruthy();
    expect(await openClientSecret({ current: NEW }, projectId, "github", after.providerBox)).toBe("gh-secret-value");
  });

  it("re-seals TOTP and webhook secrets too: a second factor and a webhook keep working once the previous secret is gone", async () => {
    const { projectId, token, webhook } = await projectWithWebhook(["user.created"]);
    const user = await userWithTotp(projectId);
    const totals = await resealAll(ROTATING, token);
    expect(totals.totpSecrets!.resealed).toBeGreaterThanOrEqual(1);
    expect(totals.webhookSecrets!.resealed).toBeGreaterThanOrEqual(1);
    expect(totals.totpSecrets!.unreadable + totals.webhookSecrets!.unreadable).toBe(0);
    const row = await env.DB.prepare(`SELECT secret_box FROM webhooks WHERE id = ?`).bind(webhook.id).first<{ secret_box: string }>();
    expect(await openWebhookSecret({ current: NEW }, webhook.id, row!.secret_box)).toBe(webhook.secret);

    const challenge = (await login(DONE, projectId, user.email)).data!.data;
    if (!("mfaRequired" in challenge)) throw new Error("expected the second-factor challenge");
    const verified = await clientWithEnv(DONE).POST("/api/auth/{projectId}/mfa/verify", {
      params: { path: { projectId } },
      body: { mfaToken: challenge.mfaToken, code: codeAt(user.secret, 1) },
    });
    expect(verified.response.status).toBe(200);
  });

  it("is owner-only and audited", async () => {
    const admin = await adminWithRole("admin");
    const refused = await adminClient(admin.token).POST("/api/admin/maintenance/reseal", { body: {} });
    expect(refused.response.status).toBe(403);
    const token = await ownerToken();
    const bad = await adminClient(token).POST("/api/admin/maintenance/reseal", { body: { cursor: "not-a-cursor" } });
    expect(bad.response.status).toBe(400);
    await resealAll({}, token);
    const { results } = await env.DB.prepare(`SELECT actor_type, details FROM audit_log WHERE type = 'admin.maintenance.reseal'`).all<{
      actor_type: string;
      details: string;
    }>();
    expect(results.every((r) => r.actor_type === "admin")).toBe(true);
    const currentKeys = results.map((r) => JSON.parse(r.details).kinds.signingKeys?.current ?? 0).reduce((a, b) => a + b, 0);
    expect(currentKeys).toBeGreaterThanOrEqual(1);
  });
});

describe("PASSWORD_PEPPER rotation", () => {
  const NEW_PEPPER = "a-new-pepper-for-rotation";
  const hashOf = async (projectId: string, email: string) =>
    (await env.DB.prepare(`SELECT password_hash FROM users WHERE project_id = ? AND email = ?`).bind(projectId, email).first<{ password_hash: string }>())!
      .password_hash;

  it("verifies hashes of the previous pepper, upgrades them at login, and keeps working once the previous is removed", async () => {
    const projectId = await createProject();
    const user = await registerUser(projectId);
    const idle = await registerUser(projectId);
    expect(await hashOf(projectId, user.email)).toContain(`pid=${pepperId(env.PASSWORD_PEPPER!)}`);

    const rotating = { PASSWORD_PEPPER: NEW_PEPPER, PASSWORD_PEPPER_PREVIOUS: env.PASSWORD_PEPPER };
    expect((await login(rotating, projectId, user.email)).response.status).toBe(200);
    expect(await hashOf(projectId, user.email)).toContain(`pid=${pepperId(NEW_PEPPER)}`);
    expect((await login(rotating, projectId, user.email, "wrong password here")).response.status).toBe(401);

    const done = { PASSWORD_PEPPER: NEW_PEPPER, PASSWORD_PEPPER_PREVIOUS: undefined };
    expect((await login(done, projectId, user.email)).response.status).toBe(200);
    // Who never signed in during the rotation needs a password reset (README runbook).
    expect((await login(done, projectId, idle.email)).response.status).toBe(401);
  });
});
