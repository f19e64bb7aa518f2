// Connected apps: a user lists the third-party apps they consented to and revokes one, which ends
// that app's sessions (and only those); admins see and revoke the same, with roles.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { upsertConsent } from "../../src/db/oidc.repo";
import { iso } from "../../src/lib/clock";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { BASE_URL, call } from "../helpers/client";
import { bearer, createProject, registerUser } from "../helpers/fixtures";
import { eventTypes, fakeQueue, projectWithWebhook } from "../webhooks/support";
import { APP, codeFor, createOAuthClient, form, signedInBrowser } from "./support";

const SCOPE = "openid email profile offline_access";

let projectId: string;
let appA: string;
let appB: string;

beforeAll(async () => {
  projectId = await createProject();
  appA = (await createOAuthClient(projectId, { firstParty: false })).clientId;
  appB = (await createOAuthClient(projectId, { firstParty: false })).clientId;
});

const grant = (project: string, clientId: string, userId: string) => upsertConsent(env.DB, project, clientId, userId, SCOPE, iso()).run();

/** A signed-in browser's code for `clientId`, exchanged: the app's tokens. */
async function tokensFor(clientId: string, cookie: string, project = projectId) {
  const { code, verifier } = await codeFor(project, clientId, cookie);
  expect(code, "a consented app gets a code without the consent screen").toBeTruthy();
  const response = await form(project, "token", {
    grant_type: "authorization_code",
    code: code!,
    redirect_uri: APP,
    code_verifier: verifier,
    client_id: clientId,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<{ access_token: string; refresh_token: string }>();
}

const refresh = (clientId: string, refreshToken: string) =>
  form(projectId, "token", { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId });

const consentsPath = (project: string) => ({ params: { path: { projectId: project } } });
const onePath = (project: string, clientId: string) => ({ params: { path: { projectId: project, clientId } } });

/** A user of the project signed in at the hosted page, with their JSON API session and consents to A and B. */
async function connectedUser() {
  const browser = await signedInBrowser(projectId);
  const userId = browser.user.user.id;
  await grant(projectId, appA, userId);
  await grant(projectId, appB, userId);
  return { ...browser, userId, me: bearer(browser.user.accessToken) };
}

describe("GET/DELETE /api/auth/{projectId}/me/consents", () => {
  it("lists the user's third-party apps; revoking one ends its sessions and codes, and only those", async () => {
    const { cookie, userId, me, user } = await connectedUser();
    const first = await tokensFor(appA, cookie);
    const second = await tokensFor(appA, cookie);
    const other = await tokensFor(appB, cookie);
    const firstParty = (await createOAuthClient(projectId)).clientId;
    const own = await tokensFor(firstParty, cookie);
    const pending = await codeFor(projectId, appA, cookie);

    const listed = await me.GET("/api/auth/{projectId}/me/consents", consentsPath(projectId));
    expect(listed.response.status).toBe(200);
    expect(listed.data!.data.map((a) => a.clientId).sort()).toEqual([appA, appB].sort());
    expect(listed.data!.data[0]).toMatchObject({ clientName: "Example App", scope: ["openid", "email", "profile", "offline_access"] });

    const revoked = await me.DELETE("/api/auth/{projectId}/me/consents/{clientId}", onePath(projectId, appA));
    expect(revoked.response.status).toBe(200);
    expect(revoked.data!.data).toEqual({ revoked: true, endedSessions: 2 });

    // The app is signed out: its refresh tokens, its access tokens and the code it was just given all stop working.
    for (const tokens of [first, second]) {
      const refused = await refresh(appA, tokens.refresh_token);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: "invalid_grant" });
      expect((await call(`/api/auth/${projectId}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
    }
    const exchange = await form(projectId, "token", {
      grant_type: "authorization_code",
      code: pending.code!,
      redirect_uri: APP,
      code_verifier: pending.verifier,
      client_id: appA,
    });
    expect(await exchange.json()).toMatchObject({ error: "invalid_grant" });

    // Everything else goes on: the other app, the first-party app, the JSON API session, single sign-on.
    expect((await refresh(appB, other.refresh_token)).status).toBe(200);
    expect((await refresh(firstParty, own.refresh_token)).status).toBe(200);
    expect((await me.GET("/api/auth/{projectId}/me", consentsPath(projectId))).response.status).toBe(200);
    expect((await bearer(user.accessToken).GET("/api/auth/{projectId}/me/consents", consentsPath(projectId))).data!.data.map((a) => a.clientId)).toEqual([
      appB,
    ]);

    // The app's next sign-in request asks for consent again.
    const again = await codeFor(projectId, appA, cookie);
    expect(`${again.location.origin}${again.location.pathname}`).toBe(`${BASE_URL}/api/auth/${projectId}/hosted/consent`);

    // Once: a second revoke finds nothing.
    const twice = await me.DELETE("/api/auth/{projectId}/me/consents/{clientId}", onePath(projectId, appA));
    expect(twice.response.status).toBe(404);
    expect(twice.error!.code).toBe("NOT_FOUND");

    const audit = await env.DB.prepare(
      `SELECT actor_type, actor_id, target_type, target_id FROM audit_log WHERE project_id = ? AND type = 'auth.consent.revoke' AND actor_id = ?`,
    )
      .bind(projectId, userId)
      .all();
    expect(audit.results).toEqual([{ actor_type: "user", actor_id: userId, target_type: "oauth_client", target_id: appA }]);
    const ended = await env.DB.prepare(`SELECT DISTINCT revoked_reason FROM sessions WHERE project_id = ? AND user_id = ? AND client_id = ?`)
      .bind(projectId, userId, appA)
      .all();
    expect(ended.results).toEqual([{ revoked_reason: "consent_revoked" }]);
  });

  it("never shows or revokes another user's or another project's consent (404)", async () => {
    const mine = await registerUser(projectId);
    const theirs = await connectedUser();
    const me = bearer(mine.accessToken);
    expect((await me.GET("/api/auth/{projectId}/me/consents", consentsPath(projectId))).data!.data).toEqual([]);
    expect((await me.DELETE("/api/auth/{projectId}/me/consents/{clientId}", onePath(projectId, appA))).response.status).toBe(404);

    const otherProject = await createProject();
    const foreignApp = (await createOAuthClient(otherProject, { firstParty: false })).clientId;
    const foreignUser = await registerUser(otherProject);
    await grant(otherProject, foreignApp, foreignUser.user.id);
    expect((await me.DELETE("/api/auth/{projectId}/me/consents/{clientId}", onePath(projectId, foreignApp))).response.status).toBe(404);
    // The other project's token is refused here, and here's token there.
    expect((await bearer(foreignUser.accessToken).GET("/api/auth/{projectId}/me/consents", consentsPath(projectId))).response.status).toBe(401);
    expect((await me.GET("/api/auth/{projectId}/me/consents", consentsPath(otherProject))).response.status).toBe(401);

    // Untouched.
    expect((await theirs.me.GET("/api/auth/{projectId}/me/consents", consentsPath(projectId))).data!.data).toHaveLength(2);
    expect((await bearer(foreignUser.accessToken).GET("/api/auth/{projectId}/me/consents", consentsPath(otherProject))).data!.data).toHaveLength(1);
  });

  it("refuses an OAuth client's token (401): only the user's own session manages consents", async () => {
    const { cookie } = await connectedUser();
    const tokens = await tokensFor(appA, cookie);
    const app = bearer(tokens.access_token);
    expect((await app.GET("/api/auth/{projectId}/me/consents", consentsPath(projectId))).response.status).toBe(401);
    const revoke = await app.DELETE("/api/auth/{projectId}/me/consents/{clientId}", onePath(projectId, appA));
    expect(revoke.response.status).toBe(401);
    expect((await refresh(appA, tokens.refresh_token)).status).toBe(200);
  });

  it("writes a session.revoked event for each session of the app it ended", async () => {
    const queue = fakeQueue();
    try {
      const { projectId: hooked } = await projectWithWebhook(["session.revoked"]);
      const app = (await createOAuthClient(hooked, { firstParty: false })).clientId;
      const { cookie, user } = await signedInBrowser(hooked);
      await grant(hooked, app, user.user.id);
      await tokensFor(app, cookie, hooked);
      await tokensFor(app, cookie, hooked);
      const before = (await eventTypes(hooked)).length;
      const revoked = await bearer(user.accessToken).DELETE("/api/auth/{projectId}/me/consents/{clientId}", onePath(hooked, app));
      expect(revoked.data!.data.endedSessions).toBe(2);
      expect((await eventTypes(hooked)).slice(before)).toEqual(["session.revoked", "session.revoked"]);
    } finally {
      queue.restore();
    }
  });

  it("needs a session (401)", async () => {
    expect((await call(`/api/auth/${projectId}/me/consents`)).status).toBe(401);
    expect((await call(`/api/auth/${projectId}/me/consents/${appA}`, { method: "DELETE" })).status).toBe(401);
  });
});

describe("GET/DELETE /api/admin/projects/{projectId}/users/{userId}/consents", () => {
  const userPath = (userId: string) => ({ params: { path: { projectId, userId } } });
  const consentPath = (userId: string, clientId: string) => ({ params: { path: { projectId, userId, clientId } } });

  it("a viewer lists, cannot revoke; an admin revokes (audited) with the same effect", async () => {
    const { cookie, userId } = await connectedUser();
    const tokens = await tokensFor(appB, cookie);
    const viewer = adminClient((await adminWithRole("viewer")).token);
    const admin = await adminWithRole("admin");

    const listed = await viewer.GET("/api/admin/projects/{projectId}/users/{userId}/consents", userPath(userId));
    expect(listed.response.status).toBe(200);
    expect(listed.data!.data.map((a) => a.clientId).sort()).toEqual([appA, appB].sort());

    const refused = await viewer.DELETE("/api/admin/projects/{projectId}/users/{userId}/consents/{clientId}", consentPath(userId, appB));
    expect(refused.response.status).toBe(403);
    const still = await refresh(appB, tokens.refresh_token);
    expect(still.status).toBe(200);
    const rotated = (await still.json<{ refresh_token: string }>()).refresh_token;

    const revoked = await adminClient(admin.token).DELETE("/api/admin/projects/{projectId}/users/{userId}/consents/{clientId}", consentPath(userId, appB));
    expect(revoked.response.status).toBe(200);
    expect(revoked.data!.data).toEqual({ revoked: true, endedSessions: 1 });
    expect((await refresh(appB, rotated)).status).toBe(400);
    expect((await viewer.GET("/api/admin/projects/{projectId}/users/{userId}/consents", userPath(userId))).data!.data.map((a) => a.clientId)).toEqual([appA]);
    expect(
      (await adminClient(admin.token).DELETE("/api/admin/projects/{projectId}/users/{userId}/consents/{clientId}", consentPath(userId, appB))).response.status,
    ).toBe(404);

    const audit = await env.DB.prepare(
      `SELECT actor_type, actor_id, target_type, target_id, details FROM audit_log WHERE project_id = ? AND type = 'admin.consent.revoke' AND target_id = ?`,
    )
      .bind(projectId, userId)
      .all();
    expect(audit.results).toEqual([
      { actor_type: "admin", actor_id: admin.id, target_type: "user", target_id: userId, details: JSON.stringify({ clientId: appB }) },
    ]);
  });

  it("404 for an unknown user, or a user of another project", async () => {
    const owner = adminClient(await ownerToken());
    const otherProject = await createProject();
    const stranger = await registerUser(otherProject);
    for (const userId of ["usr_unknown", stranger.user.id]) {
      expect((await owner.GET("/api/admin/projects/{projectId}/users/{userId}/consents", userPath(userId))).response.status).toBe(404);
      expect((await owner.DELETE("/api/admin/projects/{projectId}/users/{userId}/consents/{clientId}", consentPath(userId, appA))).response.status).toBe(404);
    }
  });
});
