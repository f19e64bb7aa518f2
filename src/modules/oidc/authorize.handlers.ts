// The browser endpoints: authorization (code flow + PKCE) and RP-initiated logout.
import type { RouteHandler, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { OIDC_REQUEST_TTL_MS } from "../../config";
import { randomId } from "../../crypto/random";
import { getOAuthClient, postLogoutUrisOf, redirectUrisOf, type OAuthClientRow } from "../../db/oauth-clients.repo";
import { insertAuthorizationRequest } from "../../db/oidc.repo";
import { getSessionState, revokeSignOnSessions, revokeSession } from "../../db/sessions.repo";
import { iso, now } from "../../lib/clock";
import { limit, overridesOf } from "../../lib/rate-limit";
import { clientBucket } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { CHALLENGE_PATTERN } from "../../oauth/pkce";
import { withQuery } from "../../oauth/urls";
import { oidcAudit } from "../../oidc/audit";
import { type AuthorizationRequest, errorRedirect, hostedUrl, issueCode, needsConsent, needsSignIn, promptsFor } from "../../oidc/authorization";
import { clearIdpCookie, currentIdpSession } from "../../oidc/idp-session";
import { redirectUriMatches } from "../../oidc/redirect-uris";
import { parseScopes } from "../../oidc/scopes";
import { verifyOwnJwt } from "../../oidc/verify";
import { errorBody, logoutBody, signedOutBody } from "../hosted/hosted.pages";
import { render } from "../hosted/hosted.render";
import type { AuthorizeQuery } from "../../schemas/oidc";
import type { authorize, authorizePost, logout, logoutPost } from "./oidc.routes";
import { redirectTo } from "../../lib/respond";

type AuthorizeParams = z.infer<typeof AuthorizeQuery>;

/** Why a validated request cannot proceed (sent to the client's redirect URI), or null. */
function requestProblem(q: AuthorizeParams): [string, string] | null {
  if (q.response_type !== "code") return ["unsupported_response_type", "Only response_type=code is supported"];
  if (q.response_mode !== undefined && q.response_mode !== "query") return ["invalid_request", "Only response_mode=query is supported"];
  if (!q.code_challenge || !CHALLENGE_PATTERN.test(q.code_challenge)) return ["invalid_request", "PKCE is required: send code_challenge (S256, 43 characters)"];
  if (q.code_challenge_method !== "S256") return ["invalid_request", "code_challenge_method must be S256"];
  const scopes = parseScopes(q.scope ?? "");
  if (!scopes) return ["invalid_scope", "Supported scopes: openid, email, profile, offline_access"];
  if (!scopes.includes("openid")) return ["invalid_scope", "scope must include openid"];
  const prompts = (q.prompt ?? "").split(" ").filter(Boolean);
  if (prompts.some((p) => !["none", "login", "consent", "select_account"].includes(p))) return ["invalid_request", "Unsupported prompt value"];
  if (prompts.includes("none") && prompts.length > 1) return ["invalid_request", "prompt=none cannot be combined with other values"];
  if (q.max_age !== undefined && !/^\d{1,9}$/.test(q.max_age)) return ["invalid_request", "max_age must be a number of seconds"];
  return null;
}

export const authorizeHandler: RouteHandler<typeof authorize, AppEnv> = (c) => authorizeWith(c, c.req.valid("query")) as never;
export const authorizePostHandler: RouteHandler<typeof authorizePost, AppEnv> = (c) => authorizeWith(c, c.req.valid("form")) as never;

async function authorizeWith(c: Context<AppEnv>, q: AuthorizeParams) {
  const project = c.get("project");
  const db = c.env.DB;
  await limit(c, project.id, [{ rule: "oauth2.ip", key: clientBucket(c) }], overridesOf(project.rate_limits));
  const client = q.client_id ? await getOAuthClient(db, project.id, q.client_id) : null;
  const refuse = async (reason: string, message: string) => {
    await oidcAudit(c, { type: "oauth2.authorize", outcome: "failure", clientId: client?.client_id ?? null, details: { reason } }).run();
    return render(c, 400, "Sign-in link not valid", errorBody("This sign-in link is not valid", `${message} Go back to the app and try again.`));
  };
  if (!client) return refuse("unknown_client", "The application that sent you here is not registered with this service.");
  if (!q.redirect_uri || !redirectUriMatches(redirectUrisOf(client), q.redirect_uri)) {
    return refuse("redirect_uri_mismatch", "The application asked to return you to an address it has not registered.");
  }
  const scopes = parseScopes(q.scope ?? "") ?? [];
  const req: AuthorizationRequest = {
    id: null,
    created_at: iso(),
    client_id: client.client_id,
    redirect_uri: q.redirect_uri,
    scope: scopes.join(" "),
    state: q.state ?? null,
    nonce: q.nonce ?? null,
    code_challenge: q.code_challenge ?? "",
    prompt: q.prompt ?? null,
    max_age: q.max_age === undefined ? null : Number(q.max_age),
    login_hint: q.login_hint ?? null,
  };
  const toClient = async (error: string, description: string) => {
    await oidcAudit(c, { type: "oauth2.authorize", outcome: "failure", clientId: client.client_id, details: { reason: error } }).run();
    return redirectTo(c, errorRedirect(c, req, error, description));
  };
  const problem = requestProblem(q);
  if (problem) return toClient(...problem);

  const idp = await currentIdpSession(c);
  const signIn = needsSignIn(req, idp);
  const consent = !signIn && idp ? await needsConsent(c, client, req, idp.user_id) : false;
  if (!signIn && !consent && idp) {
    const location = await issueCode(c, req, idp);
    return redirectTo(c, location!);
  }
  if (promptsFor(req, "none"))
    return toClient(signIn ? "login_required" : "consent_required", signIn ? "The user is not signed in" : "The user has not approved this application");
  const id = randomId("azr");
  const at = now();
  await db.batch([
    insertAuthorizationRequest(db, {
      id,
      projectId: project.id,
      clientId: client.client_id,
      redirectUri: req.redirect_uri,
      scope: req.scope,
      state: req.state,
      nonce: req.nonce,
      codeChallenge: req.code_challenge,
      prompt: req.prompt,
      maxAge: req.max_age,
      loginHint: req.login_hint,
      createdAt: iso(at),
      expiresAt: iso(at + OIDC_REQUEST_TTL_MS),
    }),
  ]);
  return redirectTo(c, hostedUrl(c, signIn ? "sign-in" : "consent", id));
}

// ---- RP-initiated logout ---------------------------------------------------------------------

type LogoutParams = { id_token_hint?: string; post_logout_redirect_uri?: string; client_id?: string; state?: string };

const signedOut = (c: Context<AppEnv>) => render(c, 200, "Signed out", signedOutBody());
const badLogout = (c: Context<AppEnv>, message: string) => render(c, 400, "Sign-out not valid", errorBody("This sign-out request is not valid", message));

/** Ends the sessions a logout names, clears the cookie and answers (redirect or page). `confirmed`: the browser's own session may end too. */
async function endSessions(c: Context<AppEnv>, p: LogoutParams, confirmed: boolean) {
  const project = c.get("project");
  const db = c.env.DB;
  let client: OAuthClientRow | null = null;
  let hinted: string | null = null;
  const idp = await currentIdpSession(c);
  if (p.id_token_hint) {
    const claims = await verifyOwnJwt(c, p.id_token_hint, { typ: "JWT", allowExpired: true });
    const aud = typeof claims?.aud === "string" ? claims.aud : null;
    if (!claims || !aud || (p.client_id && p.client_id !== aud)) return badLogout(c, "The id_token_hint was not issued by this service for this application.");
    client = await getOAuthClient(db, project.id, aud);
    // A hint of another user than the browser's proves nothing about this browser: ask, as without a hint.
    hinted = idp && idp.user_id !== claims.sub ? null : (claims.sid as string);
  } else if (p.client_id) {
    client = await getOAuthClient(db, project.id, p.client_id);
  }
  if (p.post_logout_redirect_uri && !(client && postLogoutUrisOf(client).includes(p.post_logout_redirect_uri))) {
    return badLogout(c, "The application asked to return you to an address it has not registered for sign-out.");
  }
  if (!hinted && !confirmed) {
    const fields = Object.fromEntries(
      Object.entries({ post_logout_redirect_uri: p.post_logout_redirect_uri, client_id: p.client_id, state: p.state }).filter(
        (e): e is [string, string] => !!e[1],
      ),
    );
    // Chrome applies form-action to the redirect after the POST too: the (validated) post-logout origin must be allowed.
    const formTargets = p.post_logout_redirect_uri ? [new URL(p.post_logout_redirect_uri).origin] : [];
    return render(c, 200, "Sign out", logoutBody(project.name, fields), { formTargets });
  }
  const at = iso();
  const statements: D1PreparedStatement[] = [];
  const ended: string[] = [];
  if (hinted) {
    const session = await getSessionState(db, project.id, hinted);
    if (session && session.client_id === client?.client_id) {
      statements.push(revokeSession(db, project.id, session.id, "oidc_logout", at));
      if (session.idp_session_id) statements.push(revokeSignOnSessions(db, project.id, session.idp_session_id, "oidc_logout", at));
      ended.push(session.id);
    }
  }
  if (idp) {
    statements.push(revokeSignOnSessions(db, project.id, idp.session_id, "oidc_logout", at));
    ended.push(idp.session_id);
  }
  const userId = idp?.user_id;
  statements.push(oidcAudit(c, { type: "oauth2.logout", outcome: "success", clientId: client?.client_id ?? null, details: { sessions: ended }, userId }));
  await db.batch(statements);
  clearIdpCookie(c);
  if (p.post_logout_redirect_uri) return redirectTo(c, withQuery(p.post_logout_redirect_uri, { state: p.state }));
  return signedOut(c);
}

export const logoutHandler: RouteHandler<typeof logout, AppEnv> = (c) => endSessions(c, c.req.valid("query"), false) as never;

export const logoutPostHandler: RouteHandler<typeof logoutPost, AppEnv> = async (c) => {
  // A form post ends the browser's own session only from this origin (the confirmation page).
  const sameOrigin = c.req.header("Origin") === new URL(c.req.url).origin;
  return endSessions(c, c.req.valid("form"), sameOrigin) as never;
};
