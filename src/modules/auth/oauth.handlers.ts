import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { OAUTH_CODE_TTL_MS, OAUTH_KEEP_SPENT_MS, OAUTH_STATE_TTL_MS } from "../../config";
import { sealingSecrets } from "../../crypto/box";
import { randomToken, sha256Hex } from "../../crypto/random";
import { insertAudit, type AuditEntry } from "../../db/audit.repo";
import {
  consumeOAuthCode,
  consumeOAuthState,
  getOAuthCode,
  getOAuthProvider,
  getOAuthState,
  insertOAuthCode,
  insertOAuthState,
  purgeExpiredOAuth,
  setOAuthCodeSession,
  type OAuthStateRow,
} from "../../db/oauth.repo";
import { redirectUrlsOf } from "../../db/projects.repo";
import { revokeSession } from "../../db/sessions.repo";
import { isUniqueViolation } from "../../db/sql";
import { getUser, touchLogin } from "../../db/users.repo";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { servedLocally } from "../../lib/deployment";
import { hostedSignInBase } from "../../lib/hosted-urls";
import { limit, overridesOf, unknownToken } from "../../lib/rate-limit";
import { auditEntry, clientBucket, issuerOf } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { accountFor } from "../../oauth/accounts";
import { dispatchDeliveries } from "../../webhooks/delivery";
import { openClientSecret, openVerifier, sealVerifier } from "../../oauth/client-secret";
import { OAuthFlowError, type SignInError } from "../../oauth/errors";
import { newVerifier, s256, verifierMatches } from "../../oauth/pkce";
import { usesIdToken } from "../../oauth/presets";
import { fetchProfile } from "../../oauth/profile";
import { callbackUrl, refusedEndpoint, withQuery } from "../../oauth/urls";
import type { oauthAuthorize, oauthCallback, oauthToken } from "./oauth.routes";
import { completeSignIn } from "./sign-in";
import { redirectTo } from "../../lib/respond";

type Audit = Omit<AuditEntry, "at" | "ip" | "userAgent" | "requestId" | "projectId">;
const audit = (c: Context<AppEnv>, e: Audit) => insertAudit(c.env.DB, auditEntry(c, { ...e, projectId: c.get("project").id }));

const invalidQuery = (field: string, message: string) =>
  new ApiError("VALIDATION_ERROR", `query.${field}: ${message}`, { details: [{ path: `query.${field}`, message }] });

/** Where a sign-in may return: an entry of the project's redirectUrls, or its hosted sign-in page (which carries its request in `state`). */
const returnAllowed = (c: Context<AppEnv>, uri: string) => {
  const project = c.get("project");
  return redirectUrlsOf(project).includes(uri) || uri === hostedSignInBase(c, project.id);
};

export const oauthAuthorizeHandler: RouteHandler<typeof oauthAuthorize, AppEnv> = async (c) => {
  const project = c.get("project");
  const { provider } = c.req.valid("param");
  const query = c.req.valid("query");
  const base = { type: "auth.oauth.authorize", actorType: "anonymous", targetType: "oauth_provider", targetId: provider } as const;
  await limit(c, project.id, [{ rule: "oauth.ip", key: clientBucket(c) }], overridesOf(project.rate_limits));
  if (!returnAllowed(c, query.redirect_uri)) {
    await audit(c, { ...base, outcome: "failure", details: { reason: "redirect_uri_not_allowed" } }).run();
    throw invalidQuery("redirect_uri", "is not on this project's list of redirect URLs (it must match an entry exactly)");
  }
  const p = await getOAuthProvider(c.env.DB, project.id, provider);
  if (!p?.enabled) {
    await audit(c, { ...base, outcome: "failure", details: { reason: p ? "provider_disabled" : "unknown_provider" } }).run();
    throw new ApiError("NOT_FOUND", `This project has no enabled sign-in provider '${provider}'`);
  }
  const state = randomToken("st");
  const nonce = randomToken("n");
  const verifier = newVerifier();
  const at = now();
  await c.env.DB.batch([
    insertOAuthState(c.env.DB, {
      stateHash: await sha256Hex(state),
      projectId: project.id,
      provider,
      nonceHash: await sha256Hex(nonce),
      verifierBox: await sealVerifier(c.env.KEY_ENCRYPTION_SECRET, verifier),
      redirectUri: query.redirect_uri,
      appState: query.state ?? null,
      codeChallenge: query.code_challenge,
      createdAt: iso(at),
      expiresAt: iso(at + OAUTH_STATE_TTL_MS),
    }),
    ...purgeExpiredOAuth(c.env.DB, iso(at - OAUTH_KEEP_SPENT_MS)),
    audit(c, { ...base, outcome: "success" }),
  ]);
  return redirectTo(
    c,
    withQuery(p.authorization_url, {
      response_type: "code",
      client_id: p.client_id,
      redirect_uri: callbackUrl(issuerOf(c, project.id), provider),
      scope: (JSON.parse(p.scopes) as string[]).join(" "),
      state,
      nonce: usesIdToken(p.type) ? nonce : null,
      code_challenge: await s256(verifier),
      code_challenge_method: "S256",
    }),
  );
};

/** The provider's own error, in our vocabulary. */
function providerError(error: string, description: string | undefined): OAuthFlowError {
  const declined = ["access_denied", "login_required", "consent_required", "interaction_required", "account_selection_required"];
  const kind: SignInError = declined.includes(error) ? "access_denied" : error === "temporarily_unavailable" ? "temporarily_unavailable" : "server_error";
  const safe = (text: string, max: number) => text.replace(/[^\x20-\x7E]/g, "").slice(0, max);
  return new OAuthFlowError(kind, `The identity provider reported ${safe(error, 64)}${description ? `: ${safe(description, 200)}` : ""}`, "provider_error");
}

/** Ends a browser step at the app: `error`, `error_description` and its `state` on its redirect URI. */
async function failToApp(c: Context<AppEnv>, attempt: OAuthStateRow, err: OAuthFlowError) {
  await audit(c, {
    type: "auth.oauth.callback",
    outcome: "failure",
    actorType: "anonymous",
    targetType: "oauth_provider",
    targetId: attempt.provider,
    details: { reason: err.reason, error: err.error },
  }).run();
  return redirectTo(c, withQuery(attempt.redirect_uri, { error: err.error, error_description: err.description, state: attempt.app_state }));
}

/** The sign-in itself, once the attempt is known: provider → account → one-time code. */
async function finishProviderCallback(
  c: Context<AppEnv>,
  attempt: OAuthStateRow,
  query: { code?: string; error?: string; error_description?: string; iss?: string },
) {
  const project = c.get("project");
  if (query.error) throw providerError(query.error, query.error_description);
  if (!query.code) throw new OAuthFlowError("invalid_request", "The identity provider returned no authorization code", "code_missing");
  const p = await getOAuthProvider(c.env.DB, project.id, attempt.provider);
  if (!p?.enabled) throw new OAuthFlowError("invalid_request", "This sign-in provider is no longer available", "provider_gone");
  // Rows saved before host rules existed (or edited in D1) get the same check discovery applies.
  if (refusedEndpoint(p, servedLocally(c)))
    throw new OAuthFlowError("server_error", "This sign-in provider's endpoints are not allowed", "provider_endpoint_refused");
  // RFC 9207: a provider that names itself must be the one we sent the user to (mix-up defence).
  if (query.iss !== undefined && usesIdToken(p.type) && query.iss !== p.issuer)
    throw new OAuthFlowError("invalid_request", "The response came from another issuer", "iss_mismatch");
  const verifier = await openVerifier(sealingSecrets(c.env), attempt.verifier_box);
  if (!verifier) throw new Error("oauth state verifier cannot be decrypted with the configured KEY_ENCRYPTION_SECRET");
  const profile = await fetchProfile(p, {
    code: query.code,
    redirectUri: callbackUrl(issuerOf(c, project.id), p.slug),
    verifier,
    clientSecret: await openClientSecret(sealingSecrets(c.env), project.id, p.slug, p.client_secret_box),
    nonceHash: attempt.nonce_hash,
  });
  const code = randomToken("oc");
  const at = now();
  const write = async () => {
    const account = await accountFor(c.env.DB, project.id, p.slug, profile, iso(at), project.allow_sign_up === 1);
    const success = {
      type: "auth.oauth.callback",
      outcome: "success",
      actorType: "user",
      actorId: account.userId,
      targetType: "user",
      targetId: account.userId,
    } as const;
    const results = await c.env.DB.batch([
      ...account.statements,
      insertOAuthCode(c.env.DB, {
        codeHash: await sha256Hex(code),
        projectId: project.id,
        provider: p.slug,
        userId: account.userId,
        codeChallenge: attempt.code_challenge,
        createdAt: iso(at),
        expiresAt: iso(at + OAUTH_CODE_TTL_MS),
      }),
      audit(c, { ...success, details: { provider: p.slug, action: account.action } }),
    ]);
    dispatchDeliveries(c, results);
  };
  // Two first sign-ins racing for the same email or link: the loser sees the winner's rows on a second look.
  await write().catch((err) => (isUniqueViolation(err) ? write() : Promise.reject(err)));
  return redirectTo(c, withQuery(attempt.redirect_uri, { code, state: attempt.app_state }));
}

export const oauthCallbackHandler: RouteHandler<typeof oauthCallback, AppEnv> = async (c) => {
  const project = c.get("project");
  const { provider } = c.req.valid("param");
  const query = c.req.valid("query");
  const fail = async (reason: string, err: ApiError) => {
    // Anonymous failures before a known state: counted per IP (probe.ip) before they are audited.
    await unknownToken(c, project);
    await audit(c, {
      type: "auth.oauth.callback",
      outcome: "failure",
      actorType: "anonymous",
      targetType: "oauth_provider",
      targetId: provider,
      details: { reason },
    }).run();
    throw err;
  };
  if (!query.state) return fail("state_missing", invalidQuery("state", "is required"));
  const stateHash = await sha256Hex(query.state);
  const attempt = await consumeOAuthState(c.env.DB, project.id, provider, stateHash, iso());
  const known = attempt ?? (await getOAuthState(c.env.DB, project.id, provider, stateHash));
  if (!known) return fail("unknown_state", invalidQuery("state", "does not belong to a sign-in of this project and provider; start again"));
  // The allow-list may have shrunk since authorize: never redirect to a URI no longer on it.
  if (!returnAllowed(c, known.redirect_uri))
    return fail("redirect_uri_not_allowed", invalidQuery("state", "belongs to a sign-in whose redirect URI is no longer allowed"));
  if (!attempt) {
    const err = known.consumed_at
      ? new OAuthFlowError("invalid_request", "This sign-in was already completed; start again", "state_replayed")
      : new OAuthFlowError("invalid_request", "This sign-in took too long and expired; start again", "state_expired");
    return failToApp(c, known, err);
  }
  try {
    return await finishProviderCallback(c, attempt, query);
  } catch (err) {
    if (err instanceof OAuthFlowError) return failToApp(c, attempt, err);
    console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), error: String(err), stack: (err as Error)?.stack }));
    return failToApp(c, attempt, new OAuthFlowError("server_error", "Sign-in failed unexpectedly; try again", "internal_error"));
  }
};

export const oauthTokenHandler: RouteHandler<typeof oauthToken, AppEnv> = async (c) => {
  const project = c.get("project");
  const { code, codeVerifier } = c.req.valid("json");
  const db = c.env.DB;
  const codeHash = await sha256Hex(code);
  const at = iso();
  const fail = async (reason: string, message: string, extra: D1PreparedStatement[] = [], userId: string | null = null): Promise<never> => {
    const who = userId ? ({ actorType: "user", actorId: userId, targetType: "user", targetId: userId } as const) : ({ actorType: "anonymous" } as const);
    await db.batch([...extra, audit(c, { type: "auth.oauth.token", outcome: "failure", ...who, details: { reason } })]);
    throw new ApiError("INVALID_GRANT", message);
  };
  const grant = await consumeOAuthCode(db, project.id, codeHash, at);
  if (!grant) {
    const spent = await getOAuthCode(db, project.id, codeHash);
    if (!spent) {
      await unknownToken(c, project);
      return fail("unknown_code", "This code is unknown or has expired; start the sign-in again");
    }
    // A replayed code may be stolen: end what it started (RFC 6749 §4.1.2).
    const revoke = spent.session_id ? [revokeSession(db, project.id, spent.session_id, "oauth_code_replayed", at)] : [];
    return fail("code_replayed", "This code was already used; start the sign-in again", revoke, spent.user_id);
  }
  if (Date.parse(grant.expires_at) <= now()) return fail("code_expired", "This code has expired; start the sign-in again", [], grant.user_id);
  if (!(await verifierMatches(codeVerifier, grant.code_challenge))) {
    return fail("pkce_mismatch", "codeVerifier does not match the code_challenge sent to authorize; this code is now spent", [], grant.user_id);
  }
  const user = await getUser(db, project.id, grant.user_id);
  if (!user) return fail("user_gone", "This code's account no longer exists");
  const who = { actorType: "user", actorId: user.id, targetType: "user", targetId: user.id } as const;
  if (user.disabled) {
    await audit(c, { type: "auth.oauth.token", outcome: "failure", ...who, details: { reason: "user_disabled" } }).run();
    throw new ApiError("USER_DISABLED", "This account is disabled");
  }
  const success = audit(c, { type: "auth.oauth.token", outcome: "success", ...who, details: { provider: grant.provider } });
  const { data, sessionId } = await completeSignIn(c, user, ["fed"], { before: [touchLogin(db, project.id, user.id, at)], after: [success] });
  if (sessionId) await setOAuthCodeSession(db, project.id, codeHash, sessionId).run();
  return c.json({ success: true as const, data }, 200);
};
