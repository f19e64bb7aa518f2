import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { HOSTED_ADOPT_WINDOW_MS } from "../../config";
import { utf8 } from "../../crypto/encoding";
import { randomToken, sha256Hex, timingSafeEqual } from "../../crypto/random";
import { insertAudit, insertAuditIf } from "../../db/audit.repo";
import { findHostedCandidate } from "../../db/hosted.repo";
import { getOAuthClient, type OAuthClientRow } from "../../db/oauth-clients.repo";
import { listOAuthProviders } from "../../db/oauth.repo";
import { completeRequest, completedBy, getPendingRequest, upsertConsent, type AuthorizationRequestRow } from "../../db/oidc.repo";
import { webauthnOf } from "../../db/projects.repo";
import { ApiError } from "../../errors";
import { amrOf, mustEnroll } from "../../lib/amr";
import { iso, now } from "../../lib/clock";
import { servedLocally } from "../../lib/deployment";
import { hostedSignInBase, REQUEST_ID_PATTERN } from "../../lib/hosted-urls";
import { unknownToken } from "../../lib/rate-limit";
import { auditEntry, issuerOf } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { errorRedirect, hostedUrl, issueCode, needsConsent, needsSignIn } from "../../oidc/authorization";
import { currentIdpSession, startIdpSession, type IdpSession } from "../../oidc/idp-session";
import { parseScopes } from "../../oidc/scopes";
import { consentBody, errorBody, signInBody } from "./hosted.pages";
import type { SignInError } from "../../oauth/errors";
import { render } from "./hosted.render";
import { HOSTED_FILES } from "./hosted.script";
import type { hostedAsset, hostedConsent, hostedConsentDecision, hostedSession, hostedSignIn } from "./hosted.routes";
import { redirectTo } from "../../lib/respond";

// ---- CSP, CSRF, origin ---------------------------------------------------------------------

const issuerOrigin = (c: Context<AppEnv>) => new URL(issuerOf(c, c.get("project").id)).origin;

// Double-submit CSRF token: an HttpOnly cookie the page's forms and script echo back.
const csrfCookie = (c: Context<AppEnv>) => `${servedLocally(c) ? "" : "__Host-"}edge_auth_csrf_${c.get("project").id}`;
const CSRF_SHAPE = /^csrf_[A-Za-z0-9_-]{43}$/;

/** The browser's CSRF token for the hosted pages (kept when it has one, so two tabs agree). */
function csrfToken(c: Context<AppEnv>): string {
  const existing = getCookie(c, csrfCookie(c));
  const token = existing && CSRF_SHAPE.test(existing) ? existing : randomToken("csrf");
  setCookie(c, csrfCookie(c), token, { path: "/", httpOnly: true, secure: !servedLocally(c), sameSite: "Lax" });
  return token;
}

/** Whether the request comes from the issuer's own pages: its Origin, and a CSRF token equal to the cookie. */
function sameOriginWithToken(c: Context<AppEnv>, presented: string): boolean {
  const cookie = getCookie(c, csrfCookie(c));
  const tokenOk = cookie !== undefined && cookie.length === presented.length && timingSafeEqual(utf8(cookie), utf8(presented));
  return c.req.header("Origin") === issuerOrigin(c) && tokenOk;
}

/** The page for a request we cannot continue: unknown, expired or completed. */
const startAgain = (c: Context<AppEnv>) =>
  render(
    c,
    400,
    "Start again",
    errorBody("This sign-in link is no longer valid", "It expired, was already used, or is not known. Go back to the app and start signing in again."),
  );

const refusedForm = (c: Context<AppEnv>) =>
  render(
    c,
    400,
    "Try again",
    errorBody("This form could not be accepted", "The page was open too long or came from somewhere else. Go back to the app and start again."),
  );

/** A waiting request of this project and its client, or null. */
async function pending(c: Context<AppEnv>, id: string | undefined): Promise<{ req: AuthorizationRequestRow; client: OAuthClientRow } | null> {
  if (!id || !REQUEST_ID_PATTERN.test(id)) return null;
  const project = c.get("project");
  const req = await getPendingRequest(c.env.DB, project.id, id, iso());
  if (!req) return null;
  const client = await getOAuthClient(c.env.DB, project.id, req.client_id);
  return client ? { req, client } : null;
}

// A social sign-in's errors in our own words: the URL's error_description is anyone's text, so it is never shown.
const SIGN_IN_ERROR_TEXT: Partial<Record<SignInError, string>> = {
  access_denied: "Sign-in was cancelled.",
  email_not_verified: "That provider did not confirm your email address. Use another way to sign in.",
  account_exists_unverified: "An account with this email exists. Sign in with it first, then link the provider.",
  sign_up_disabled: "New accounts cannot be created here.",
  temporarily_unavailable: "That provider is not answering right now. Try again in a moment.",
};
const signInErrorText = (error: string) => SIGN_IN_ERROR_TEXT[error as SignInError] ?? "Signing in with that provider failed. Try again or use another method.";

export const hostedSignInHandler: RouteHandler<typeof hostedSignIn, AppEnv> = async (c) => {
  const project = c.get("project");
  const query = c.req.valid("query");
  const found = await pending(c, query.request ?? query.state);
  if (!found) return startAgain(c);
  const { req, client } = found;
  const providers = (await listOAuthProviders(c.env.DB, project.id)).results.filter((p) => p.enabled).map((p) => p.slug);
  const passkeys = webauthnOf(project)?.origins.includes(issuerOrigin(c)) ?? false;
  const view = {
    projectName: project.name,
    clientName: client.name,
    loginHint: req.login_hint ?? "",
    signUp: project.allow_sign_up === 1,
    passwordless: project.passwordless === 1,
    passkeys,
    providers,
  };
  const data = {
    issuer: issuerOf(c, project.id),
    signInUrl: hostedSignInBase(c, project.id),
    request: req.id,
    csrfToken: csrfToken(c),
    passkeys,
    code: query.code ?? null,
    error: query.error ? signInErrorText(query.error) : null,
    token: query.token ?? null,
    type: query.type ?? null,
  };
  return render(c, 200, "Sign in", signInBody(view), { data });
};

/** Validation failures of the HTML routes: the start-again page instead of JSON. */
export const htmlValidationHook = (result: { success: boolean }, c: Context<AppEnv>) => (result.success ? undefined : startAgain(c));
export const formValidationHook = (result: { success: boolean }, c: Context<AppEnv>) => (result.success ? undefined : refusedForm(c));

// ---- adopting the page's sign-in --------------------------------------------------------

const refuse = (message: string) => new ApiError("INVALID_TOKEN", message);

export const hostedSessionHandler: RouteHandler<typeof hostedSession, AppEnv> = async (c) => {
  const project = c.get("project");
  const db = c.env.DB;
  const body = c.req.valid("json");
  if (!sameOriginWithToken(c, body.csrfToken))
    throw new ApiError("FORBIDDEN", "This request must come from the hosted sign-in page (origin or CSRF token mismatch); reload the page");
  const candidate = await findHostedCandidate(db, project.id, await sha256Hex(body.refreshToken));
  if (!candidate) {
    await unknownToken(c, project);
    throw refuse("Unknown refresh token");
  }
  const at = now();
  if (candidate.client_id !== null) throw refuse("This session belongs to an OAuth client; sign in on this page");
  if (candidate.revoked_at !== null || candidate.token_rotated_at !== null || Date.parse(candidate.token_expires_at) <= at)
    throw refuse("This session has ended; sign in again");
  if (at - Date.parse(candidate.created_at) > HOSTED_ADOPT_WINDOW_MS) throw refuse("This sign-in is too old to continue with; sign in again");
  if (candidate.user_disabled) throw new ApiError("USER_DISABLED", "This account is disabled");
  if (mustEnroll(project.mfa_policy, amrOf(candidate.amr)))
    throw new ApiError("MFA_REQUIRED", "This project requires a second factor: set one up in the app first, then sign in again here");

  const bind = await startIdpSession(c, candidate.session_id);
  const audit = auditEntry(c, {
    type: "hosted.sign_in",
    outcome: "success",
    actorType: "user",
    actorId: candidate.user_id,
    projectId: project.id,
    targetType: "session",
    targetId: candidate.session_id,
    details: { request: body.request },
  });
  await db.batch([...bind, insertAudit(db, audit)]);

  const found = await pending(c, body.request);
  if (!found) throw new ApiError("VALIDATION_ERROR", "This sign-in request expired or was completed; go back to the app and start again");
  const idp: IdpSession = {
    token_hash: "",
    session_id: candidate.session_id,
    user_id: candidate.user_id,
    amr: candidate.amr,
    auth_time: candidate.created_at,
    last_seen_at: iso(at),
    user_disabled: 0,
    user_email: candidate.user_email,
  };
  const req = { ...found.req };
  if (needsSignIn(req, idp)) throw refuse("This request asks for a new sign-in; sign in again");
  if (await needsConsent(c, found.client, req, idp.user_id))
    return c.json({ success: true as const, data: { redirectTo: hostedUrl(c, "consent", req.id) } }, 200);
  const location = await issueCode(c, req, idp);
  if (!location) throw new ApiError("VALIDATION_ERROR", "This sign-in request was already completed; go back to the app and start again");
  return c.json({ success: true as const, data: { redirectTo: location } }, 200);
};

// ---- consent ----------------------------------------------------------------------------

/** Where the browser may be sent after the consent form: the client's redirect origin (or its private-use scheme). */
const formTarget = (redirectUri: string) => {
  const url = new URL(redirectUri);
  return url.protocol === "http:" || url.protocol === "https:" ? url.origin : url.protocol;
};

const toSignIn = (c: Context<AppEnv>, id: string) => redirectTo(c, hostedUrl(c, "sign-in", id));

export const hostedConsentHandler: RouteHandler<typeof hostedConsent, AppEnv> = async (c) => {
  const project = c.get("project");
  const found = await pending(c, c.req.valid("query").request);
  if (!found) return startAgain(c);
  const { req, client } = found;
  const idp = await currentIdpSession(c);
  if (!idp || needsSignIn(req, idp)) return toSignIn(c, req.id);
  const view = {
    projectName: project.name,
    clientName: client.name,
    userEmail: idp.user_email,
    scopes: parseScopes(req.scope) ?? [],
    action: `${issuerOf(c, project.id)}/hosted/consent`,
    request: req.id,
    csrfToken: csrfToken(c),
  };
  return render(c, 200, "Allow access", consentBody(view), { formTargets: [formTarget(req.redirect_uri)] });
};

export const hostedConsentDecisionHandler: RouteHandler<typeof hostedConsentDecision, AppEnv> = async (c) => {
  const project = c.get("project");
  const db = c.env.DB;
  const form = c.req.valid("form");
  if (!sameOriginWithToken(c, form.csrfToken)) return refusedForm(c);
  const found = await pending(c, form.request);
  if (!found) return startAgain(c);
  const { req, client } = found;
  const idp = await currentIdpSession(c);
  if (!idp || needsSignIn(req, idp)) return toSignIn(c, req.id);
  const at = iso();
  const consent = (outcome: "success" | "failure") =>
    auditEntry(c, {
      type: "oauth2.consent",
      outcome,
      actorType: "user",
      actorId: idp.user_id,
      projectId: project.id,
      targetType: "oauth_client",
      targetId: client.client_id,
      details: outcome === "success" ? { scope: req.scope } : { scope: req.scope, reason: "denied" },
    });
  if (form.decision === "deny") {
    // Denying completes the request too, so the same request cannot be allowed afterwards.
    const marker = `denied:${randomToken("d")}`;
    const [done] = await db.batch([
      completeRequest(db, project.id, req.id, marker, at),
      insertAuditIf(db, consent("failure"), completedBy(project.id, req.id, marker)),
    ]);
    if (!done!.results.length) return startAgain(c);
    return redirectTo(c, errorRedirect(c, req, "access_denied", "The user denied the request"));
  }
  const location = await issueCode(c, req, idp, [
    upsertConsent(db, project.id, client.client_id, idp.user_id, req.scope, at),
    insertAudit(db, consent("success")),
  ]);
  return location ? redirectTo(c, location) : startAgain(c);
};

// ---- static files ------------------------------------------------------------------------

export const hostedAssetHandler: RouteHandler<typeof hostedAsset, AppEnv> = async (c) => {
  const file = HOSTED_FILES[c.req.valid("param").file];
  if (!file) throw new ApiError("NOT_FOUND", `No route for GET ${c.req.path}`);
  return c.body(file.body, 200, { "Content-Type": file.type, "Cache-Control": "public, max-age=31536000, immutable" });
};
