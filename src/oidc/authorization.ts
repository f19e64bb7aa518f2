// The end of an authorization request (OpenID Connect Core §3.1.2): once the browser has a live IdP
// session, either the consent screen (third-party clients without a grant) or a one-time code on the
// client's redirect URI. Shared by the authorization endpoint, the hosted sign-in and the consent form.
import type { Context } from "hono";
import { OIDC_CODE_TTL_MS } from "../config";
import { randomToken, sha256Hex } from "../crypto/random";
import { insertAudit, insertAuditIf } from "../db/audit.repo";
import type { OAuthClientRow } from "../db/oauth-clients.repo";
import { completeRequest, completedBy, getConsent, insertAuthorizationCode, type AuthorizationRequestRow } from "../db/oidc.repo";
import { amrOf } from "../lib/amr";
import { iso, now } from "../lib/clock";
import { auditEntry, issuerOf } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";
import { withQuery } from "../oauth/urls";
import type { IdpSession } from "./idp-session";
import { scopesCovered } from "./scopes";

/** What an authorization request asks for; `id` is set once it is stored (waiting at the hosted page). */
export type AuthorizationRequest = Pick<
  AuthorizationRequestRow,
  "client_id" | "redirect_uri" | "scope" | "state" | "nonce" | "code_challenge" | "prompt" | "max_age" | "login_hint"
> & { id: string | null; created_at: string };

export const promptsFor = (req: Pick<AuthorizationRequest, "prompt">, value: string) => (req.prompt ?? "").split(" ").includes(value);

/**
 * Whether the browser must sign in (again) before this request gets a code: no session, a
 * disabled user, `prompt=login` not yet answered by a sign-in after the request began, or a sign-in
 * older than `max_age` seconds.
 */
export function needsSignIn(req: AuthorizationRequest, idp: IdpSession | null): boolean {
  if (!idp || idp.user_disabled) return true;
  const authTime = Date.parse(idp.auth_time);
  if (promptsFor(req, "login") && authTime < Date.parse(req.created_at)) return true;
  return req.max_age !== null && now() - authTime > req.max_age * 1000;
}

/** Where the hosted pages live for a project: `<issuer>/hosted/<page>?request=<id>`. */
export const hostedUrl = (c: Context<AppEnv>, page: "sign-in" | "consent", requestId: string) =>
  `${issuerOf(c, c.get("project").id)}/hosted/${page}?${new URLSearchParams({ request: requestId })}`;

/** An error for the client on its (validated) redirect URI, with its state and our issuer (RFC 6749 §4.1.2.1, RFC 9207). */
export const errorRedirect = (c: Context<AppEnv>, req: Pick<AuthorizationRequest, "redirect_uri" | "state">, error: string, description: string) =>
  withQuery(req.redirect_uri, { error, error_description: description, state: req.state, iss: issuerOf(c, c.get("project").id) });

/** Whether a third-party client still needs the user's consent to these scopes (always with prompt=consent). */
export async function needsConsent(c: Context<AppEnv>, client: OAuthClientRow, req: AuthorizationRequest, userId: string): Promise<boolean> {
  if (client.first_party) return false;
  if (promptsFor(req, "consent")) return true;
  const granted = await getConsent(c.env.DB, c.get("project").id, client.client_id, userId);
  return granted === null || !scopesCovered(req.scope, granted);
}

/**
 * Issues the code for a request whose user is signed in (and has consented where needed): one
 * batch writes the code, completes the stored request (once: a second completion writes nothing)
 * and audits `oauth2.authorize`. Returns the client's redirect URL with `code`, `state` and `iss`,
 * or null when the stored request was completed meanwhile (a double submit).
 */
export async function issueCode(c: Context<AppEnv>, req: AuthorizationRequest, idp: IdpSession, extra: D1PreparedStatement[] = []): Promise<string | null> {
  const project = c.get("project");
  const db = c.env.DB;
  const code = randomToken("ac");
  const at = now();
  const codeHash = await sha256Hex(code);
  const grant = {
    codeHash,
    projectId: project.id,
    clientId: req.client_id,
    userId: idp.user_id,
    idpSessionId: idp.session_id,
    redirectUri: req.redirect_uri,
    codeChallenge: req.code_challenge,
    scope: req.scope,
    nonce: req.nonce,
    amr: amrOf(idp.amr),
    authTime: idp.auth_time,
    createdAt: iso(at),
    expiresAt: iso(at + OIDC_CODE_TTL_MS),
  };
  const entry = auditEntry(c, {
    type: "oauth2.authorize",
    outcome: "success",
    actorType: "user",
    actorId: idp.user_id,
    projectId: project.id,
    targetType: "oauth_client",
    targetId: req.client_id,
    details: { scope: req.scope },
  });
  if (req.id === null) {
    await db.batch([...extra, insertAuthorizationCode(db, grant), insertAudit(db, entry)]);
  } else {
    // A stored request completes once: the code and its audit apply only if this batch completed it.
    const done = completedBy(project.id, req.id, codeHash);
    const results = await db.batch([
      completeRequest(db, project.id, req.id, codeHash, iso(at)),
      ...extra,
      insertAuthorizationCode(db, grant, done),
      insertAuditIf(db, entry, done),
    ]);
    if (!results[0]!.results.length) return null;
  }
  return withQuery(req.redirect_uri, { code, state: req.state, iss: issuerOf(c, project.id) });
}
