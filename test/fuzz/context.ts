// Fixtures behind the fuzzer's valid cases. Each operation gets its own project (with a redirect
// URL, so emails can be sent) and user, so an operation that changes or ends them (logout, password
// change, deleting a session, a user or the project) cannot take valid credentials away from the
// operations after it. Fixture requests go through `send` too (not SELF; see send.ts) and are
// contract-checked the same way.
import { env } from "cloudflare:test";
import { createClient } from "../../generated/client.js";
import { setRedirectUrls } from "../email/mailbox";
import { ADMIN_PASSWORD, adminSessionOf } from "../helpers/admin";
import { BASE_URL } from "../helpers/client";
import { PASSWORD, createProject, uniqueId, tokensOf } from "../helpers/fixtures";
import { SoftAuthenticator } from "../helpers/webauthn";
import { APP_REDIRECT, CLIENT_ID, CLIENT_SECRET, StubProvider } from "../oauth/stub-provider";
import { basic, createOAuthClient } from "../oidc/support";
import { base64url } from "./cases";
import type { FuzzContext } from "./request";
import { send } from "./send";
import { type FuzzOperation, resolve } from "./spec";

export const client = (headers: Record<string, string> = {}) => createClient({ baseUrl: BASE_URL, headers, fetch: (request: Request) => send(request) });

export async function registerUser(projectId: string) {
  const email = `${uniqueId("fuzz")}@example.com`;
  const { data } = await client().POST("/api/auth/{projectId}/register", { params: { path: { projectId } }, body: { email, password: PASSWORD } });
  if (!data) throw new Error(`fixture: register in ${projectId} failed`);
  return { email, accessToken: data.data.accessToken, refreshToken: data.data.refreshToken, userId: data.data.user.id };
}

/** A second session of a registered user. */
async function login(projectId: string, email: string) {
  const { data } = await client().POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password: PASSWORD } });
  if (!data) throw new Error(`fixture: login in ${projectId} failed`);
  return tokensOf(data.data);
}

async function adminLogin(email: string, password: string): Promise<string> {
  const { data } = await client().POST("/api/admin/login", { body: { email, password } });
  if (!data) throw new Error(`fixture: admin login of ${email} failed`);
  return adminSessionOf(data.data).sessionToken;
}

export const ownerLogin = () => adminLogin(env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);

/** A new viewer admin, created by the owner, and a session of theirs. */
export async function throwawayAdmin(ownerSession: string): Promise<{ email: string; session: string }> {
  const email = `${uniqueId("fuzz")}@example.com`;
  await client({ "X-Admin-Session": ownerSession }).POST("/api/admin/admins", { body: { email, password: ADMIN_PASSWORD, role: "viewer" } });
  return { email, session: await adminLogin(email, ADMIN_PASSWORD) };
}

export interface SharedFixtures {
  /** A live access token of a user of another project. */
  foreignToken: string;
  viewerSession: string;
  ownerSession: string;
}

export async function sharedFixtures(): Promise<SharedFixtures> {
  const other = await registerUser(await createProject());
  const ownerSession = await ownerLogin();
  const email = `${uniqueId("viewer")}@example.com`;
  await client({ "X-Admin-Session": ownerSession }).POST("/api/admin/admins", { body: { email, password: ADMIN_PASSWORD, role: "viewer" } });
  return { foreignToken: other.accessToken, viewerSession: await adminLogin(email, ADMIN_PASSWORD), ownerSession };
}

/**
 * The shared owner session, replaced when a previous operation ended it: POST /api/admin/logout
 * does so with every valid case, and later admin operations still need a live one.
 */
export async function liveOwnerSession(shared: SharedFixtures): Promise<string> {
  const { response } = await client({ "X-Admin-Session": shared.ownerSession }).GET("/api/admin/me");
  if (response.status !== 200) shared.ownerSession = await ownerLogin();
  return shared.ownerSession;
}

const part = (token: string, i: number) => token.split(".")[i] ?? "";
const claims = (token: string) => JSON.parse(atob(part(token, 1).replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string; sub: string };

/** Misuses of a real access token: a flipped signature, `alg: none`, another user's claims. */
function tokenVariants(token: string): Record<string, string> {
  const [h, p, s] = [part(token, 0), part(token, 1), part(token, 2)];
  const flipped = s.slice(0, -4) + (s.slice(-4) === "AAAA" ? "BBBB" : "AAAA");
  const header = JSON.parse(atob(h.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
  const swapped = base64url(JSON.stringify({ ...claims(token), sub: "usr_someone_else" }));
  return {
    tamperedToken: `${h}.${p}.${flipped}`,
    algNoneToken: `${base64url(JSON.stringify({ ...header, alg: "none" }))}.${p}.`,
    swappedToken: `${h}.${swapped}.${s}`,
  };
}

/** The passkey settings of every fuzz project (passkey routes answer METHOD_DISABLED without them). */
export const FUZZ_WEBAUTHN = { rpId: "example.com", rpName: "Fuzz", origins: ["https://app.example.com"] };

/** A new project whose redirect allow-list holds APP_REDIRECT, as email and OAuth flows need, with passkeys on. */
async function fuzzProject(): Promise<string> {
  const projectId = await createProject();
  await setRedirectUrls(projectId, [APP_REDIRECT]);
  // Passwordless sign-in is off by default; on here so its routes are reached past METHOD_DISABLED.
  await env.DB.prepare(`UPDATE projects SET passwordless = 1 WHERE id = ?`).bind(projectId).run();
  await env.DB.prepare(`UPDATE projects SET webauthn = ? WHERE id = ?`).bind(JSON.stringify(FUZZ_WEBAUTHN), projectId).run();
  return projectId;
}

/** Registers a passkey (a software authenticator) for the user of `accessToken`, through the API. */
export async function registerPasskey(projectId: string, accessToken: string) {
  const user = client({ Authorization: `Bearer ${accessToken}` });
  const path = { params: { path: { projectId } } };
  const authenticator = new SoftAuthenticator(FUZZ_WEBAUTHN.origins[0]!);
  const options = await user.POST("/api/auth/{projectId}/passkeys/register/options", path);
  if (!options.data) throw new Error(`fixture: passkey options in ${projectId} failed: ${options.response.status}`);
  const created = await user.POST("/api/auth/{projectId}/passkeys/register/verify", {
    ...path,
    body: { response: await authenticator.create(options.data.data), name: "Fuzz key" },
  });
  if (!created.data) throw new Error(`fixture: passkey registration in ${projectId} failed: ${created.response.status}`);
  return { authenticator, passkeyId: created.data.data.id };
}

/** Configures a scripted OpenID provider (test/oauth/stub-provider.ts) as `slug` of the project. */
export async function configureProvider(projectId: string, ownerSession: string, slug: string): Promise<StubProvider> {
  const stub = new StubProvider();
  const { response } = await client({ "X-Admin-Session": ownerSession }).PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
    params: { path: { projectId, provider: slug } },
    body: { type: "oidc", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: stub.issuer },
  });
  if (response.status !== 201) throw new Error(`fixture: provider setup in ${projectId} failed: ${response.status}`);
  return stub;
}

/**
 * A webhook of the project and one delivery of it, written straight to D1 and then disabled, so
 * a retry the fuzzer queues is recorded as not sent instead of calling anyone.
 */
async function webhookFixture(projectId: string, ownerSession: string): Promise<{ webhookId: string; deliveryId: string }> {
  const { data } = await client({ "X-Admin-Session": ownerSession }).POST("/api/admin/projects/{projectId}/webhooks", {
    params: { path: { projectId } },
    body: { url: "http://127.0.0.1:9/fuzz", events: ["user.created"] },
  });
  if (!data) throw new Error(`fixture: webhook in ${projectId} failed`);
  const webhookId = data.data.id;
  const [eventId, deliveryId, at] = [uniqueId("msg"), uniqueId("whd"), new Date().toISOString()];
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO webhook_events (id, project_id, type, origin, data, created_at) VALUES (?, ?, 'user.created', 'fuzz', '{}', ?)`).bind(
      eventId,
      projectId,
      at,
    ),
    env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_id, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'failed', 8, ?, ?)`,
    ).bind(deliveryId, projectId, webhookId, eventId, at, at),
    env.DB.prepare(`UPDATE webhooks SET enabled = 0 WHERE id = ?`).bind(webhookId),
  ]);
  return { webhookId, deliveryId };
}

/** A confidential OAuth client of the project, registered through the API. */
async function oauthClientFixture(projectId: string, ownerSession: string): Promise<string> {
  const { data } = await client({ "X-Admin-Session": ownerSession }).POST("/api/admin/projects/{projectId}/oauth-clients", {
    params: { path: { projectId } },
    body: { name: "Fuzz", type: "confidential", redirectUris: [APP_REDIRECT] },
  });
  if (!data) throw new Error(`fixture: OAuth client in ${projectId} failed`);
  return data.data.clientId;
}

/** The fixtures of one operation: what its cases' placeholders resolve to, plus its OAuth provider. */
export interface OperationFixtures extends FuzzContext {
  stub?: StubProvider;
}

/**
 * What `op` needs to be reached for real: its own project (projectId), a user with a token
 * (bearer auth; userId; bodies that take an email, which then sometimes name that user), a
 * second session of that user (sessionId), a live owner session (admin session auth), a
 * throwaway admin (adminId) and a configured provider (provider). Unknown path params keep their
 * spec example.
 */
export async function contextFor(op: FuzzOperation, shared: SharedFixtures): Promise<OperationFixtures> {
  const names = new Set(op.pathParams.map((p) => p.name));
  const bearer = op.credentials.some((c) => c.kind === "bearer");
  const admin = op.credentials.some((c) => c.kind === "header" && c.scheme === "adminSession");
  const bodyTakesEmail = Object.values<{ format?: string }>(op.body?.schema.properties ?? {}).some((p) => resolve(p).format === "email");
  const params: Record<string, string> = {};
  const values: Record<string, string> = { foreignToken: shared.foreignToken, viewerSession: shared.viewerSession, userToken: shared.foreignToken };

  if (names.has("projectId") || bearer) params.projectId = await fuzzProject();
  if (params.projectId && (bearer || bodyTakesEmail || names.has("userId") || names.has("sessionId"))) {
    const user = await registerUser(params.projectId);
    Object.assign(values, { userToken: user.accessToken, email: user.email });
    params.userId = user.userId;
    if (names.has("sessionId")) params.sessionId = claims((await login(params.projectId, user.email)).accessToken).sid;
    if (names.has("passkeyId")) params.passkeyId = (await registerPasskey(params.projectId, user.accessToken)).passkeyId;
  }
  Object.assign(values, tokenVariants(values.userToken!));

  values.ownerSession = admin ? await liveOwnerSession(shared) : shared.ownerSession;
  // The caller's own TOTP routes act on a throwaway admin, so the bootstrap owner never gets a second factor.
  if (op.template.startsWith("/api/admin/me/mfa")) values.ownerSession = (await throwawayAdmin(values.ownerSession)).session;
  values.ownerSessionUpper = values.ownerSession.toUpperCase();
  if (names.has("adminId") && admin) {
    const created = await client({ "X-Admin-Session": values.ownerSession }).POST("/api/admin/admins", {
      body: { email: `${uniqueId("fuzz")}@example.com`, password: ADMIN_PASSWORD, role: "viewer" },
    });
    params.adminId = created.data!.data.id;
  }
  if (names.has("webhookId") && admin && params.projectId) Object.assign(params, await webhookFixture(params.projectId, values.ownerSession));
  // The OpenID Provider's endpoints: a public client, and a confidential one whose Basic credentials the client-authenticated ones send.
  if (op.template.includes("/oauth2/") && params.projectId) {
    const [publicClient, confidential] = await Promise.all([
      createOAuthClient(params.projectId),
      createOAuthClient(params.projectId, { type: "confidential" }),
    ]);
    Object.assign(values, {
      publicClientId: publicClient.clientId,
      confidentialClientId: confidential.clientId,
      "credential:clientSecretBasic": basic(confidential.clientId, confidential.secret!).Authorization,
    });
  }
  if (names.has("clientId") && admin && params.projectId) params.clientId = await oauthClientFixture(params.projectId, values.ownerSession);
  let stub: StubProvider | undefined;
  if (names.has("provider") && params.projectId) {
    params.provider = "corp";
    stub = await configureProvider(params.projectId, await liveOwnerSession(shared), params.provider);
  }
  return { values, params, stub };
}
