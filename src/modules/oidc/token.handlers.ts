// The client's back channel: token (code exchange, refresh), revocation, introspection, UserInfo.
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { sha256Hex } from "../../crypto/random";
import type { OAuthClientRow } from "../../db/oauth-clients.repo";
import { consumeAuthorizationCode, getAuthorizationCode, setCodeSession } from "../../db/oidc.repo";
import { findRefreshToken, getSessionState, revokeSession } from "../../db/sessions.repo";
import { getUser, touchLogin, type UserRow } from "../../db/users.repo";
import { ApiError } from "../../errors";
import { amrOf } from "../../lib/amr";
import { iso, now } from "../../lib/clock";
import { unknownToken } from "../../lib/rate-limit";
import { issuerOf } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { verifierMatches } from "../../oauth/pkce";
import { oidcAudit } from "../../oidc/audit";
import { authenticateClient } from "../../oidc/client-auth";
import { signIdToken } from "../../oidc/id-token";
import { verifyOwnJwt } from "../../oidc/verify";
import { CLAIMS_OF_SCOPE, SUPPORTED_SCOPES } from "../../oidc/scopes";
import { OAuthError } from "../../oidc/wire";
import { rotate, signingKey, startSession } from "../auth/session-tokens";
import type { introspect, revoke, token, userInfo, userInfoPost } from "./oidc.routes";

const noStore = { "Cache-Control": "no-store", Pragma: "no-cache" };

/** The ID token and UserInfo claims the granted scopes release (src/oidc/scopes.ts, as discovery lists them). */
function profileClaims(user: Pick<UserRow, "email" | "email_verified" | "display_name">, scope: string | null): Record<string, string | boolean> {
  // A token of the JSON API (no client, no scope) sees everything UserInfo can tell.
  const granted = new Set((scope ?? "openid email profile").split(" "));
  const released = new Set(SUPPORTED_SCOPES.filter((s) => granted.has(s)).flatMap((s) => CLAIMS_OF_SCOPE[s]));
  const values = { email: user.email, email_verified: user.email_verified === 1, name: user.display_name || null };
  return Object.fromEntries(Object.entries(values).filter(([claim, value]) => released.has(claim) && value !== null)) as Record<string, string | boolean>;
}

async function exchangeCode(c: Context<AppEnv>, client: OAuthClientRow, form: { code?: string; redirect_uri?: string; code_verifier?: string }) {
  const project = c.get("project");
  const db = c.env.DB;
  if (!form.code || !form.redirect_uri || !form.code_verifier) throw new OAuthError("invalid_request", "code, redirect_uri and code_verifier are required");
  const codeHash = await sha256Hex(form.code);
  const at = iso();
  const fail = async (reason: string, message: string, extra: D1PreparedStatement[] = [], userId?: string): Promise<never> => {
    await db.batch([
      ...extra,
      oidcAudit(c, { type: "oauth2.token", outcome: "failure", clientId: client.client_id, details: { reason, grantType: "authorization_code" }, userId }),
    ]);
    throw new OAuthError("invalid_grant", message);
  };
  const grant = await consumeAuthorizationCode(db, project.id, codeHash, at);
  if (!grant) {
    const spent = await getAuthorizationCode(db, project.id, codeHash);
    if (!spent) {
      await unknownToken(c, project);
      return fail("unknown_code", "This code is unknown or has expired");
    }
    // A replayed code may be stolen: end what it started (RFC 6749 §4.1.2).
    const revoke = spent.session_id ? [revokeSession(db, project.id, spent.session_id, "oauth_code_replayed", at)] : [];
    return fail("code_replayed", "This code was already used; the session it started has been ended", revoke, spent.user_id);
  }
  if (grant.client_id !== client.client_id) return fail("wrong_client", "This code was issued to another client");
  if (Date.parse(grant.expires_at) <= now()) return fail("code_expired", "This code has expired", [], grant.user_id);
  if (grant.redirect_uri !== form.redirect_uri) return fail("redirect_uri_mismatch", "redirect_uri differs from the one sent to authorize", [], grant.user_id);
  if (!(await verifierMatches(form.code_verifier, grant.code_challenge)))
    return fail("pkce_mismatch", "code_verifier does not match the code_challenge", [], grant.user_id);
  // The sign-on behind the code may have ended in its 60 s (logout, logout everywhere, a password change).
  const signOn = grant.idp_session_id ? await getSessionState(db, project.id, grant.idp_session_id) : null;
  if (grant.idp_session_id && (!signOn || signOn.revoked_at)) return fail("sign_on_ended", "The sign-in behind this code has ended", [], grant.user_id);
  const user = await getUser(db, project.id, grant.user_id);
  if (!user || user.disabled) return fail(user ? "user_disabled" : "user_gone", "This account cannot sign in", [], grant.user_id);
  const amr = amrOf(grant.amr);
  const { tokens, sessionId } = await startSession(
    c,
    user,
    amr,
    {
      before: [touchLogin(db, project.id, user.id, at)],
      after: [
        oidcAudit(c, {
          type: "oauth2.token",
          outcome: "success",
          clientId: client.client_id,
          details: { grantType: "authorization_code", scope: grant.scope },
          userId: user.id,
        }),
      ],
    },
    { id: client.client_id, scope: grant.scope, authTime: grant.auth_time, idpSessionId: grant.idp_session_id },
  );
  await setCodeSession(db, project.id, codeHash, sessionId).run();
  const { key, kid } = await signingKey(c, project);
  const idToken = grant.scope.split(" ").includes("openid")
    ? await signIdToken(key, kid, {
        issuer: issuerOf(c, project.id),
        userId: user.id,
        clientId: client.client_id,
        sessionId,
        authTime: Date.parse(grant.auth_time),
        amr,
        nonce: grant.nonce,
        accessToken: tokens.accessToken,
        ttlSeconds: project.access_token_ttl,
        now: now(),
        profile: profileClaims(user, grant.scope),
      })
    : undefined;
  return {
    access_token: tokens.accessToken,
    token_type: "Bearer" as const,
    expires_in: tokens.expiresIn,
    refresh_token: tokens.refreshToken,
    ...(idToken ? { id_token: idToken } : {}),
    scope: grant.scope,
  };
}

async function refreshGrant(c: Context<AppEnv>, client: OAuthClientRow, refreshToken: string | undefined) {
  if (!refreshToken) throw new OAuthError("invalid_request", "refresh_token is required");
  try {
    const { tokens, scope } = await rotate(c, refreshToken, client.client_id);
    return {
      access_token: tokens.accessToken,
      token_type: "Bearer" as const,
      expires_in: tokens.expiresIn,
      refresh_token: tokens.refreshToken,
      scope: scope ?? "",
    };
  } catch (err) {
    // The rotation's own refusals (audited there) in OAuth's words; rate limits keep their 429.
    if (err instanceof ApiError && err.code !== "RATE_LIMITED" && err.status < 500) throw new OAuthError("invalid_grant", err.message);
    throw err;
  }
}

export const tokenHandler: RouteHandler<typeof token, AppEnv> = async (c) => {
  const form = c.req.valid("form");
  const { client } = await authenticateClient(c, form);
  if (form.grant_type === "authorization_code") return c.json(await exchangeCode(c, client, form), 200, noStore);
  if (form.grant_type === "refresh_token") return c.json(await refreshGrant(c, client, form.refresh_token), 200, noStore);
  throw new OAuthError("unsupported_grant_type", "Supported grant types: authorization_code, refresh_token");
};

/** The session a token names, if it is ours: a refresh token by its hash, an access token by its signature. */
async function sessionOfToken(
  c: Context<AppEnv>,
  token: string,
): Promise<{ sessionId: string; kind: "access_token" | "refresh_token"; exp?: number; iat?: number } | null> {
  const project = c.get("project");
  if (token.startsWith("rt_")) {
    const state = await findRefreshToken(c.env.DB, project.id, await sha256Hex(token));
    if (!state || state.rotated_at || Date.parse(state.expires_at) <= now()) return null;
    return { sessionId: state.session_id, kind: "refresh_token", exp: Math.floor(Date.parse(state.expires_at) / 1000) };
  }
  const claims = await verifyOwnJwt(c, token, { typ: "at+jwt", audience: project.id });
  return claims ? { sessionId: claims.sid as string, kind: "access_token", exp: claims.exp, iat: claims.iat } : null;
}

export const revokeHandler: RouteHandler<typeof revoke, AppEnv> = async (c) => {
  const form = c.req.valid("form");
  const { client } = await authenticateClient(c, form);
  const project = c.get("project");
  const found = await sessionOfToken(c, form.token);
  const session = found ? await getSessionState(c.env.DB, project.id, found.sessionId) : null;
  // Only the client's own sessions; anything else is answered the same way and left alone (RFC 7009 §2.2).
  if (session && session.client_id === client.client_id && !session.revoked_at) {
    await c.env.DB.batch([
      revokeSession(c.env.DB, project.id, session.id, "oauth_revoked", iso()),
      oidcAudit(c, { type: "oauth2.revoke", outcome: "success", clientId: client.client_id, details: { tokenType: found!.kind }, userId: session.user_id }),
    ]);
  }
  return c.body(null, 200, noStore);
};

export const introspectHandler: RouteHandler<typeof introspect, AppEnv> = async (c) => {
  const form = c.req.valid("form");
  const { client } = await authenticateClient(c, form);
  if (client.type !== "confidential") throw new OAuthError("invalid_client", "Introspection is for confidential clients", 401);
  const project = c.get("project");
  const found = await sessionOfToken(c, form.token);
  const session = found ? await getSessionState(c.env.DB, project.id, found.sessionId) : null;
  // The project's own (first-party) resource servers see any token of the project; a third-party client only its own.
  const visible = session && (client.first_party || session.client_id === client.client_id);
  if (!found || !session || !visible || session.revoked_at || session.user_disabled) return c.json({ active: false }, 200, noStore);
  return c.json(
    {
      active: true,
      ...(session.scope ? { scope: session.scope } : {}),
      ...(session.client_id ? { client_id: session.client_id } : {}),
      sub: session.user_id,
      sid: session.id,
      ...(found.exp ? { exp: found.exp } : {}),
      ...(found.iat ? { iat: found.iat } : {}),
      iss: issuerOf(c, project.id),
      aud: project.id,
      token_type: found.kind,
    },
    200,
    noStore,
  );
};

const userInfoAnswer = (c: Context<AppEnv>) => {
  const { claims, user } = c.get("auth");
  return c.json({ sub: user.id, ...profileClaims(user, claims.scope ?? null) }, 200, noStore);
};
export const userInfoHandler: RouteHandler<typeof userInfo, AppEnv> = (c) => userInfoAnswer(c) as never;
export const userInfoPostHandler: RouteHandler<typeof userInfoPost, AppEnv> = (c) => userInfoAnswer(c) as never;
