// One deterministic valid request per operation: live credentials and ids, valid query, a body
// the operation accepts. It must get a documented success status, so fixtures that went stale (or
// an example body the API rejects) fail loudly instead of turning every fuzz case into a 4xx.
// Operations that need a flow's artefact get a real one here (a refresh token, a mailed token,
// an OAuth code). Those that destroy what they act on take the operation's own fixture (a session,
// admin or user only that operation uses; its fuzz cases would spend it at their first valid case
// anyway) or, where the fuzz cases still need it, one of their own (the project, the provider,
// the owner's session).
import { env } from "cloudflare:test";
import { Secret, TOTP } from "otpauth";
import { ADMIN_PASSWORD } from "../helpers/admin";
import { BASE_URL } from "../helpers/client";
import { PASSWORD, createProject, uniqueId } from "../helpers/fixtures";
import { codeAt } from "../mfa/helpers";
import { APP_REDIRECT, type StubProvider, newVerifier, s256 } from "../oauth/stub-provider";
import { type FuzzCase, validCredential } from "./cases";
import {
  type OperationFixtures,
  type SharedFixtures,
  client,
  configureProvider,
  FUZZ_WEBAUTHN,
  liveOwnerSession,
  ownerLogin,
  registerPasskey,
  registerUser,
  throwawayAdmin,
} from "./context";
import { SoftAuthenticator } from "../helpers/webauthn";
import { upsertConsent } from "../../src/db/oidc.repo";
import { iso } from "../../src/lib/clock";
import { APP as OIDC_APP, codeFor, createOAuthClient, pkce, signedInBrowser } from "../oidc/support";
import { fromPlain } from "./json";
import { HOSTED_SCRIPT_PATH } from "../../src/modules/hosted/hosted.script";
import { cookiesOf, handOver, insertClient, insertRequest, openSignIn, ORIGIN } from "../hosted/helpers";
import type { FuzzContext } from "./request";
import { send } from "./send";
import { type FuzzOperation, resolve, validValue } from "./spec";

/** What a plan changes in the default valid request. */
interface Plan {
  body?: Record<string, unknown>;
  /** A form-encoded body instead of JSON (the hosted consent form). */
  form?: Record<string, string>;
  /** Headers besides the credential (the hosted pages' Origin and cookies). */
  headers?: Array<[string, string]>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  values?: Record<string, string>;
}

export interface ValidRequest {
  fuzzCase: FuzzCase;
  ctx: FuzzContext;
}

type Planner = (f: OperationFixtures, shared: SharedFixtures) => Promise<Plan>;

const NEW_PASSWORD = "a new long passphrase";
const freshEmail = () => `${uniqueId("valid")}@example.com`;
const project = (f: OperationFixtures) => f.params.projectId!;
const ownerClient = async (shared: SharedFixtures) => client({ "X-Admin-Session": await liveOwnerSession(shared) });

/** The token in the newest mailed link to `to`, read from the outbox as a user would from the email. */
async function mailedToken(projectId: string, to: string, shared: SharedFixtures): Promise<string> {
  const { data } = await (await ownerClient(shared)).GET("/api/admin/projects/{projectId}/outbox", { params: { path: { projectId }, query: { to } } });
  const token = /[?&]token=([^&\s]+)/.exec(data?.data[0]?.text ?? "")?.[1];
  if (!token) throw new Error(`fixture: no mailed link to ${to} in ${projectId}`);
  return decodeURIComponent(token);
}

/** The 6-digit code in the newest passwordless email to `to`. */
async function mailedCode(projectId: string, to: string, shared: SharedFixtures): Promise<string> {
  const { data } = await (await ownerClient(shared)).GET("/api/admin/projects/{projectId}/outbox", { params: { path: { projectId }, query: { to } } });
  const code = /^(\d{6})$/m.exec(data?.data[0]?.text ?? "")?.[1];
  if (!code) throw new Error(`fixture: no mailed code to ${to} in ${projectId}`);
  return code;
}

const oauthPath = (projectId: string, slug: string, step: string, query: Record<string, string>) =>
  `${BASE_URL}/api/auth/${projectId}/oauth/${slug}/${step}?${new URLSearchParams(query)}`;

/** authorize → (the stub provider) → callback's parameters, as the browser carries them. */
async function toCallback(stub: StubProvider, projectId: string, slug: string) {
  const verifier = newVerifier();
  const query = { redirect_uri: APP_REDIRECT, code_challenge: await s256(verifier), code_challenge_method: "S256", state: "app-state" };
  const response = await send(new Request(oauthPath(projectId, slug, "authorize", query), { redirect: "manual" }));
  if (response.status !== 302) throw new Error(`fixture: authorize in ${projectId} answered ${response.status}`);
  stub.authorize = new URL(response.headers.get("location")!).searchParams;
  return { callback: { code: "provider-code", state: stub.authorize.get("state")! }, verifier };
}

/** An app's one-time code from a full sign-in through the stub provider. */
async function appCode(f: OperationFixtures, shared: SharedFixtures) {
  const stub = await configureProvider(project(f), await liveOwnerSession(shared), "corp");
  const { callback, verifier } = await toCallback(stub, project(f), "corp");
  const response = await send(new Request(oauthPath(project(f), "corp", "callback", callback), { redirect: "manual" }));
  const code = new URL(response.headers.get("location") ?? BASE_URL).searchParams.get("code");
  if (!code) throw new Error(`fixture: callback in ${project(f)} gave no code: ${response.status} ${response.headers.get("location")}`);
  return { code, codeVerifier: verifier };
}

/** Starts TOTP enrollment for the bearer of `token`; with `confirm`, turns it on (at the current step) too. */
async function totpFor(projectId: string, token: string, confirm: boolean) {
  const user = client({ Authorization: `Bearer ${token}` });
  const inProject = { params: { path: { projectId } } };
  const secret = (await user.POST("/api/auth/{projectId}/mfa/totp/enroll", inProject)).data?.data.secret;
  if (!secret) throw new Error(`fixture: TOTP enrollment in ${projectId} failed`);
  if (!confirm) return { secret, recoveryCodes: [] };
  const confirmed = await user.POST("/api/auth/{projectId}/mfa/totp/confirm", { ...inProject, body: { code: codeAt(secret) } });
  if (!confirmed.data) throw new Error(`fixture: TOTP confirmation in ${projectId} failed`);
  return { secret, recoveryCodes: confirmed.data.data.recoveryCodes };
}

/** A throwaway admin with TOTP enrolled (and confirmed unless `pending`), the code computed with otpauth. */
async function adminWithTotp(shared: SharedFixtures, pending = false) {
  const admin = await throwawayAdmin(await liveOwnerSession(shared));
  const me = client({ "X-Admin-Session": admin.session });
  const { data } = await me.POST("/api/admin/me/mfa/totp/enroll");
  const code = new TOTP({ secret: Secret.fromBase32(data!.data.secret) }).generate();
  if (pending) return { ...admin, code, recoveryCodes: [] };
  const confirmed = await me.POST("/api/admin/me/mfa/totp/confirm", { body: { code } });
  return { ...admin, code, recoveryCodes: confirmed.data!.data.recoveryCodes };
}

/** Per operationId (each must name an operation of the spec), what differs from "the fixture's credentials and ids, the schema's example body". */
const PLANS: Record<string, Planner> = {
  login: async (f) => ({ body: { email: f.values.email, password: PASSWORD } }),
  refreshToken: async (f) => ({ body: { refreshToken: (await registerUser(project(f))).refreshToken } }),
  logout: async (f) => ({ body: { refreshToken: (await registerUser(project(f))).refreshToken } }),
  changePassword: async () => ({ body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }),
  confirmEmail: async (f, shared) => {
    const user = await registerUser(project(f));
    await client({ Authorization: `Bearer ${user.accessToken}` }).POST("/api/auth/{projectId}/verify-email/send", {
      params: { path: { projectId: project(f) } },
      body: {},
    });
    return { body: { token: await mailedToken(project(f), user.email, shared) } };
  },
  resetPassword: async (f, shared) => {
    const user = await registerUser(project(f));
    await client().POST("/api/auth/{projectId}/password/forgot", { params: { path: { projectId: project(f) } }, body: { email: user.email } });
    return { body: { token: await mailedToken(project(f), user.email, shared), password: NEW_PASSWORD } };
  },
  passwordlessVerify: async (f, shared) => {
    const email = freshEmail();
    await client().POST("/api/auth/{projectId}/passwordless/start", { params: { path: { projectId: project(f) } }, body: { email } });
    return { body: { email, code: await mailedCode(project(f), email, shared) } };
  },
  oauthAuthorize: async () => ({
    query: { redirect_uri: APP_REDIRECT, code_challenge: await s256(newVerifier()), code_challenge_method: "S256", state: "app-state" },
  }),
  oauthCallback: async (f) => ({ query: (await toCallback(f.stub!, project(f), f.params.provider!)).callback }),
  oauthToken: async (f, shared) => ({ body: await appCode(f, shared) }),
  confirmTotp: async (f) => ({ body: { code: codeAt((await totpFor(project(f), f.values.userToken!, false)).secret) } }),
  disableTotp: async (f) => ({ body: { recoveryCode: (await totpFor(project(f), f.values.userToken!, true)).recoveryCodes[0] } }),
  // The next step: the confirming code's step is spent.
  regenerateRecoveryCodes: async (f) => ({ body: { code: codeAt((await totpFor(project(f), f.values.userToken!, true)).secret, 1) } }),
  verifyMfa: async (f) => {
    const user = await registerUser(project(f));
    const { recoveryCodes } = await totpFor(project(f), user.accessToken, true);
    const { data } = await client().POST("/api/auth/{projectId}/login", {
      params: { path: { projectId: project(f) } },
      body: { email: user.email, password: PASSWORD },
    });
    if (!data || !("mfaToken" in data.data)) throw new Error(`fixture: login in ${project(f)} gave no challenge`);
    return { body: { mfaToken: data.data.mfaToken, recoveryCode: recoveryCodes[0] } };
  },
  adminLogin: async () => ({ body: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD } }),
  adminLogout: async () => ({ values: { ownerSession: await ownerLogin() } }),
  // The shared viewer's own password (its session stays live), never the owner's.
  changeAdminPassword: async (_, shared) => ({
    values: { ownerSession: shared.viewerSession },
    body: { currentPassword: ADMIN_PASSWORD, newPassword: NEW_PASSWORD },
  }),
  // Recovery codes: the confirming code's time step is already used.
  adminLoginMfa: async (_, shared) => {
    const admin = await adminWithTotp(shared);
    const { data } = await client().POST("/api/admin/login", { body: { email: admin.email, password: ADMIN_PASSWORD } });
    const challenge = data!.data;
    if (!("mfaRequired" in challenge)) throw new Error("fixture: admin login with TOTP gave no challenge");
    return { body: { mfaToken: challenge.mfaToken, recoveryCode: admin.recoveryCodes[0] } };
  },
  confirmAdminTotp: async (_, shared) => {
    const admin = await adminWithTotp(shared, true);
    return { values: { ownerSession: admin.session }, body: { code: admin.code } };
  },
  disableAdminTotp: async (_, shared) => {
    const admin = await adminWithTotp(shared);
    return { values: { ownerSession: admin.session }, body: { recoveryCode: admin.recoveryCodes[0] } };
  },
  createProject: async () => ({ body: { name: "Valid Project", environment: "development", id: uniqueId("valid").toLowerCase() } }),
  deleteProject: async () => ({ params: { projectId: await createProject() } }),
  putOAuthProvider: async (f) => ({ body: { type: "oidc", clientId: "edge-auth-client", clientSecret: "client-secret", issuer: f.stub!.issuer } }),
  // Its own provider, so the fuzz cases after it still find "corp" configured.
  passkeyRegisterVerify: async (f) => {
    const path = { params: { path: { projectId: project(f) } } };
    const options = await client({ Authorization: `Bearer ${f.values.userToken}` }).POST("/api/auth/{projectId}/passkeys/register/options", path);
    return { body: { response: await new SoftAuthenticator(FUZZ_WEBAUTHN.origins[0]!).create(options.data!.data), name: "Valid key" } };
  },
  passkeyLoginVerify: async (f) => {
    const { authenticator } = await registerPasskey(project(f), (await registerUser(project(f))).accessToken);
    const options = await client().POST("/api/auth/{projectId}/passkeys/login/options", { params: { path: { projectId: project(f) } } });
    return { body: { challengeId: options.data!.data.challengeId, response: await authenticator.get(options.data!.data.options) } };
  },
  // The OpenID Provider (clients from context.ts): to the hosted page (no session); a code of the confidential client; unknown tokens.
  oidcAuthorize: async (f) => ({
    query: {
      response_type: "code",
      client_id: f.values.publicClientId!,
      redirect_uri: OIDC_APP,
      scope: "openid email",
      state: "app-state",
      code_challenge: pkce().challenge,
      code_challenge_method: "S256",
    },
  }),
  oidcAuthorizePost: async (f) => ({ body: (await PLANS.oidcAuthorize!(f, undefined as never)).query }),
  oidcToken: async (f) => {
    const { cookie } = await signedInBrowser(project(f));
    const { code, verifier } = await codeFor(project(f), f.values.confidentialClientId!, cookie);
    return { body: { grant_type: "authorization_code", code, redirect_uri: OIDC_APP, code_verifier: verifier } };
  },
  oidcRevoke: async () => ({ body: { token: "rt_unknown" } }),
  oidcIntrospect: async () => ({ body: { token: "rt_unknown" } }),
  oidcLogoutPost: async () => ({ body: {} }),
  hostedSignIn: async (f) => ({ query: { request: await insertRequest(project(f), await insertClient(project(f))) } }),
  hostedSession: async (f) => {
    const { requestId, page, refreshToken } = await hostedSignInStarted(project(f), true);
    return {
      body: { refreshToken, request: requestId, csrfToken: page.csrfToken },
      headers: [
        ["Origin", ORIGIN],
        ["Cookie", page.cookie],
      ],
    };
  },
  // Without a sign-on session: the documented redirect to the sign-in page.
  hostedConsent: async (f) => ({ query: { request: await insertRequest(project(f), await insertClient(project(f), { firstParty: false })) } }),
  hostedConsentDecision: async (f) => {
    const { requestId, page, refreshToken } = await hostedSignInStarted(project(f), false);
    const handed = await handOver(project(f), { refreshToken, request: requestId, csrfToken: page.csrfToken }, { Origin: ORIGIN, Cookie: page.cookie });
    const sso = Object.entries(cookiesOf(handed)).find(([name]) => name.includes("edge_auth_sso_"))!;
    return {
      form: { request: requestId, csrfToken: page.csrfToken, decision: "allow" },
      headers: [
        ["Origin", ORIGIN],
        ["Cookie", `${page.cookie}; ${sso[0]}=${sso[1].value}`],
      ],
    };
  },
  hostedAsset: async () => ({ params: { file: HOSTED_SCRIPT_PATH.split("/").pop()! } }),
  // Connected apps: the fixture user has consented to a third-party app (the admin ops' fixture client, or a new one).
  listMyConsents: async (f) => ({ params: { clientId: await consented(f) } }),
  revokeMyConsent: async (f) => ({ params: { clientId: await consented(f) } }),
  listProjectUserConsents: async (f) => ({ params: { clientId: await consented(f) } }),
  revokeProjectUserConsent: async (f) => ({ params: { clientId: await consented(f) } }),
  deleteOAuthProvider: async (f, shared) => {
    await configureProvider(project(f), await liveOwnerSession(shared), "doomed");
    return { params: { provider: "doomed" } };
  },
};

/** The fixture user's consent to the fixture client (admin ops) or to a new third-party client; its client id. */
async function consented(f: OperationFixtures): Promise<string> {
  const clientId = f.params.clientId ?? (await createOAuthClient(project(f), { firstParty: false })).clientId;
  await upsertConsent(env.DB, project(f), clientId, f.params.userId!, "openid email", iso()).run();
  return clientId;
}

/** A waiting request of a (first- or third-party) client, its sign-in page opened and a user just signed in. */
async function hostedSignInStarted(projectId: string, firstParty: boolean) {
  const requestId = await insertRequest(projectId, await insertClient(projectId, { firstParty }));
  const page = await openSignIn(projectId, requestId);
  const { refreshToken } = await registerUser(projectId);
  return { requestId, page, refreshToken };
}

export const plannedOperations = Object.keys(PLANS);

/** The schema's example body with every email property made a fresh address (so creations succeed). */
function exampleBody(op: FuzzOperation): Record<string, unknown> | undefined {
  if (!op.body) return undefined;
  const body = structuredClone(validValue(op.body.schema)) as Record<string, unknown>;
  for (const [name, prop] of Object.entries(op.body.schema.properties ?? {})) if (resolve(prop as object).format === "email") body[name] = freshEmail();
  return body;
}

/** The valid request for `op` as a fuzz case, with the fixtures it resolves against. */
export async function validRequest(op: FuzzOperation, f: OperationFixtures, shared: SharedFixtures): Promise<ValidRequest> {
  const plan = (await PLANS[op.operationId]?.(f, shared)) ?? {};
  const body = plan.form ? undefined : (plan.body ?? exampleBody(op));
  // A form-encoded operation (the OpenID Provider's) sends its body as a form.
  const form = plan.form ?? (op.body?.form && body ? Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])) : undefined);
  const query = plan.query ?? Object.fromEntries(op.queryParams.filter((p) => p.required).map((p) => [p.name, String(validValue(p.schema))]));
  const credential = op.credentials[0];
  const fuzzCase: FuzzCase = {
    mode: "behind valid credentials",
    path: Object.fromEntries(op.pathParams.map((p) => [p.name, { valid: true }])),
    query: Object.entries(query).map(([k, v]) => [k, { encoded: v }]),
    queryBroken: false,
    headers: [...(credential ? validCredential(credential) : []), ...(plan.headers ?? [])],
    forged: null,
    email: "fixture",
    body: {
      payload: form
        ? { kind: "form", encoding: "urlencoded", fields: form, label: "valid request" }
        : body === undefined
          ? null
          : { kind: "json", value: fromPlain(body), label: "valid request" },
      contentType: form ? "auto" : body === undefined ? null : "application/json",
      chunked: false,
    },
  };
  return { fuzzCase, ctx: { values: { ...f.values, ...plan.values }, params: { ...f.params, ...plan.params } } };
}
