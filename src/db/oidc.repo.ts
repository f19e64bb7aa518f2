// The OpenID Provider's state: authorization requests waiting at the hosted page, one-time
// authorization codes, IdP (browser sign-on) sessions and third-party consents.
// Every function takes the project id first: no query can cross tenants.
import { andExists, guard, type Guard } from "./sql";

// ---- authorization requests ------------------------------------------------------------------

export interface AuthorizationRequestRow {
  id: string;
  project_id: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  code_challenge: string;
  prompt: string | null;
  max_age: number | null;
  login_hint: string | null;
  created_at: string;
  expires_at: string;
  completed_at: string | null;
  completed_by: string | null;
}

export interface NewAuthorizationRequest {
  id: string;
  projectId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string;
  prompt: string | null;
  maxAge: number | null;
  loginHint: string | null;
  createdAt: string;
  expiresAt: string;
}

export function insertAuthorizationRequest(db: D1Database, r: NewAuthorizationRequest): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oauth2_requests (id, project_id, client_id, redirect_uri, scope, state, nonce, code_challenge, prompt, max_age, login_hint, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(r.id, r.projectId, r.clientId, r.redirectUri, r.scope, r.state, r.nonce, r.codeChallenge, r.prompt, r.maxAge, r.loginHint, r.createdAt, r.expiresAt);
}

/** A request still waiting (not completed, not expired at `at`), or null. */
export function getPendingRequest(db: D1Database, projectId: string, id: string, at: string): Promise<AuthorizationRequestRow | null> {
  return db
    .prepare(`SELECT * FROM oauth2_requests WHERE project_id = ? AND id = ? AND completed_at IS NULL AND expires_at > ?`)
    .bind(projectId, id, at)
    .first<AuthorizationRequestRow>();
}

/** Marks a live request completed by `codeHash`; applies once (exactly one caller's batch completes it). */
export function completeRequest(db: D1Database, projectId: string, id: string, codeHash: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE oauth2_requests SET completed_at = ?4, completed_by = ?3
       WHERE project_id = ?1 AND id = ?2 AND completed_at IS NULL AND expires_at > ?4 RETURNING id`,
    )
    .bind(projectId, id, codeHash, at);
}

/** Holds once `completeRequest` with this code hash has applied. */
export const completedBy = (projectId: string, id: string, codeHash: string): Guard =>
  guard(`SELECT 1 FROM oauth2_requests WHERE project_id = ? AND id = ? AND completed_by = ?`, projectId, id, codeHash);

// ---- authorization codes ---------------------------------------------------------------------

export interface AuthorizationCodeRow {
  code_hash: string;
  project_id: string;
  client_id: string;
  user_id: string;
  idp_session_id: string | null;
  redirect_uri: string;
  code_challenge: string;
  scope: string;
  nonce: string | null;
  amr: string;
  auth_time: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  session_id: string | null;
}

export interface NewAuthorizationCode {
  codeHash: string;
  projectId: string;
  clientId: string;
  userId: string;
  idpSessionId: string | null;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  nonce: string | null;
  amr: readonly string[];
  authTime: string;
  createdAt: string;
  expiresAt: string;
}

/** The code row; with `when`, only if that guard holds. */
export function insertAuthorizationCode(db: D1Database, c: NewAuthorizationCode, when?: Guard): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oauth2_codes (code_hash, project_id, client_id, user_id, idp_session_id, redirect_uri, code_challenge, scope, nonce, amr, auth_time, created_at, expires_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE 1${andExists(when)}`,
    )
    .bind(
      c.codeHash,
      c.projectId,
      c.clientId,
      c.userId,
      c.idpSessionId,
      c.redirectUri,
      c.codeChallenge,
      c.scope,
      c.nonce,
      JSON.stringify(c.amr),
      c.authTime,
      c.createdAt,
      c.expiresAt,
      ...(when?.bindings ?? []),
    );
}

/** Spends a code (first attempt wins, right or wrong) and returns it; null when unknown or already spent. */
export function consumeAuthorizationCode(db: D1Database, projectId: string, codeHash: string, at: string): Promise<AuthorizationCodeRow | null> {
  return db
    .prepare(`UPDATE oauth2_codes SET consumed_at = ?3 WHERE project_id = ?1 AND code_hash = ?2 AND consumed_at IS NULL RETURNING *`)
    .bind(projectId, codeHash, at)
    .first<AuthorizationCodeRow>();
}

export function getAuthorizationCode(db: D1Database, projectId: string, codeHash: string): Promise<AuthorizationCodeRow | null> {
  return db.prepare(`SELECT * FROM oauth2_codes WHERE project_id = ? AND code_hash = ?`).bind(projectId, codeHash).first<AuthorizationCodeRow>();
}

/** Records the session a code started, so a replay of the code can end it (RFC 6749 §4.1.2). */
export function setCodeSession(db: D1Database, projectId: string, codeHash: string, sessionId: string): D1PreparedStatement {
  return db.prepare(`UPDATE oauth2_codes SET session_id = ? WHERE project_id = ? AND code_hash = ?`).bind(sessionId, projectId, codeHash);
}

// ---- IdP sessions (the hosted page's sign-on cookie) -------------------------------------------

/** A live IdP session: its session (the hosted page's sign-in) and that session's user. */
export interface IdpSession {
  token_hash: string;
  session_id: string;
  user_id: string;
  /** JSON amr list of the session. */
  amr: string;
  /** When the user signed in (the session's start). */
  auth_time: string;
  last_seen_at: string;
  user_disabled: number;
  user_email: string;
}

export interface NewIdpSession {
  tokenHash: string;
  projectId: string;
  sessionId: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * Binds a cookie token to a live session of the project's hosted page, and makes that session
 * one of single sign-on: its refresh tokens go (the page never keeps them) and it ends with the cookie.
 */
export function insertIdpSession(db: D1Database, s: NewIdpSession): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO idp_sessions (token_hash, project_id, session_id, created_at, last_seen_at, expires_at)
         SELECT ?1, ?2, ?3, ?4, ?4, ?5 FROM sessions WHERE id = ?3 AND project_id = ?2 AND revoked_at IS NULL`,
      )
      .bind(s.tokenHash, s.projectId, s.sessionId, s.createdAt, s.expiresAt),
    db.prepare(`DELETE FROM refresh_tokens WHERE project_id = ? AND session_id = ?`).bind(s.projectId, s.sessionId),
    db.prepare(`UPDATE sessions SET expires_at = ?3 WHERE project_id = ?1 AND id = ?2`).bind(s.projectId, s.sessionId, s.expiresAt),
  ];
}

/**
 * The live IdP session behind a cookie token: its session not revoked, before its absolute end
 * and seen since `idleSince` (ISO: the idle lifetime ago), its user enabled or not (the caller says why). Null otherwise.
 */
export function findIdpSession(db: D1Database, projectId: string, tokenHash: string, at: string, idleSince: string): Promise<IdpSession | null> {
  return db
    .prepare(
      `SELECT i.token_hash, i.session_id, i.last_seen_at, s.user_id, s.amr, s.created_at AS auth_time, u.disabled AS user_disabled, u.email AS user_email
       FROM idp_sessions i JOIN sessions s ON s.id = i.session_id JOIN users u ON u.id = s.user_id
       WHERE i.project_id = ?1 AND i.token_hash = ?2 AND s.revoked_at IS NULL AND i.expires_at > ?3 AND i.last_seen_at > ?4`,
    )
    .bind(projectId, tokenHash, at, idleSince)
    .first<IdpSession>();
}

/** Slides the idle lifetime. */
export function touchIdpSession(db: D1Database, projectId: string, tokenHash: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE idp_sessions SET last_seen_at = ? WHERE project_id = ? AND token_hash = ?`).bind(at, projectId, tokenHash);
}

// ---- consents ---------------------------------------------------------------------------------

/** The scopes (space-separated) the user granted the client, or null. */
export async function getConsent(db: D1Database, projectId: string, clientId: string, userId: string): Promise<string | null> {
  const row = await db
    .prepare(`SELECT scope FROM oauth2_consents WHERE project_id = ? AND client_id = ? AND user_id = ?`)
    .bind(projectId, clientId, userId)
    .first<{ scope: string }>();
  return row?.scope ?? null;
}

export function upsertConsent(db: D1Database, projectId: string, clientId: string, userId: string, scope: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oauth2_consents (client_id, user_id, project_id, scope, granted_at) VALUES (?2, ?3, ?1, ?4, ?5)
       ON CONFLICT (client_id, user_id) DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at`,
    )
    .bind(projectId, clientId, userId, scope, at);
}

/** A consent with the name of the client it was granted to (the user's "connected apps"). */
export interface UserConsentRow {
  client_id: string;
  client_name: string;
  scope: string;
  granted_at: string;
}

/** The user's consents, newest first; a consent's client is always of the same project. */
export function listUserConsents(db: D1Database, projectId: string, userId: string): Promise<D1Result<UserConsentRow>> {
  return db
    .prepare(
      `SELECT c.client_id, o.name AS client_name, c.scope, c.granted_at
       FROM oauth2_consents c JOIN oauth_clients o ON o.client_id = c.client_id AND o.project_id = c.project_id
       WHERE c.project_id = ? AND c.user_id = ? ORDER BY c.granted_at DESC, c.client_id`,
    )
    .bind(projectId, userId)
    .all<UserConsentRow>();
}

/** Holds while the user's consent to the client exists. */
export const consentExists = (projectId: string, clientId: string, userId: string): Guard =>
  guard(`SELECT 1 FROM oauth2_consents WHERE project_id = ? AND client_id = ? AND user_id = ?`, projectId, clientId, userId);

/**
 * Withdraws a consent, in this order for one batch: the user's live sessions issued to the client
 * end (`reason`, at `at`; the first result's `changes` counts them), the user's unspent codes of the
 * client are spent (a code issued just before cannot start a session after), then the consent row
 * goes (the last result returns it: none when there was no consent, and then nothing else applied).
 * Put guarded statements (audit, events) between with `consentExists`.
 */
export function revokeConsent(
  db: D1Database,
  projectId: string,
  clientId: string,
  userId: string,
  reason: string,
  at: string,
): { endSessions: D1PreparedStatement; spendCodes: D1PreparedStatement; deleteConsent: D1PreparedStatement } {
  const held = consentExists(projectId, clientId, userId);
  return {
    endSessions: db
      .prepare(
        `UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2
         WHERE project_id = ?3 AND user_id = ?4 AND client_id = ?5 AND revoked_at IS NULL${andExists(held)}`,
      )
      .bind(at, reason, projectId, userId, clientId, ...held.bindings),
    spendCodes: db
      .prepare(`UPDATE oauth2_codes SET consumed_at = ?1 WHERE project_id = ?2 AND user_id = ?3 AND client_id = ?4 AND consumed_at IS NULL${andExists(held)}`)
      .bind(at, projectId, userId, clientId, ...held.bindings),
    deleteConsent: db
      .prepare(`DELETE FROM oauth2_consents WHERE project_id = ? AND client_id = ? AND user_id = ? RETURNING client_id`)
      .bind(projectId, clientId, userId),
  };
}
