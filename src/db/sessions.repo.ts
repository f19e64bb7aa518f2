// Sessions and their rotating refresh tokens (stored only as SHA-256 hashes).
import { guard, type Guard } from "./sql";

export interface SessionRow {
  id: string;
  project_id: string;
  user_id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  /** JSON list of how the session was signed in (lib/amr.ts). */
  amr: string;
  /** The OAuth client the session was issued to (the OpenID Provider's token endpoint), or null. */
  client_id: string | null;
}

export interface NewSession {
  id: string;
  projectId: string;
  userId: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  expiresAt: string;
  tokenHash: string;
  amr: readonly string[];
  /** Set for a session issued at the OpenID Provider's token endpoint. */
  client?: SessionClient | null;
}

/** What a session issued to an OAuth client records: the client, the granted scope, when the user signed in, and the hosted page's session it came from. */
export interface SessionClient {
  id: string;
  scope: string;
  authTime: string;
  idpSessionId: string | null;
}

/** The session row and its first refresh token; run them in one batch. */
export function insertSession(db: D1Database, s: NewSession): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO sessions (id, project_id, user_id, user_agent, ip, created_at, last_used_at, expires_at, amr, client_id, scope, auth_time, idp_session_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        s.id,
        s.projectId,
        s.userId,
        s.userAgent,
        s.ip,
        s.createdAt,
        s.createdAt,
        s.expiresAt,
        JSON.stringify(s.amr),
        s.client?.id ?? null,
        s.client?.scope ?? null,
        s.client?.authTime ?? null,
        s.client?.idpSessionId ?? null,
      ),
    db
      .prepare(`INSERT INTO refresh_tokens (token_hash, session_id, project_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`)
      .bind(s.tokenHash, s.id, s.projectId, s.createdAt, s.expiresAt),
  ];
}

/** A refresh token with what deciding on it needs: its session and the session's user. */
export interface RefreshTokenState {
  token_hash: string;
  session_id: string;
  expires_at: string;
  rotated_at: string | null;
  successor_hash: string | null;
  successor_box: string | null;
  user_id: string;
  session_created_at: string;
  session_revoked_at: string | null;
  /** The session's amr list (JSON): every access token of the session carries it. */
  session_amr: string;
  /** The OAuth client the session was issued to (token endpoint), and its scope; null for the JSON API's sessions. */
  session_client_id: string | null;
  session_scope: string | null;
  /** The session's refresh.session window (epoch ms of its start) and the refreshes counted in it. */
  session_refresh_window_start: number;
  session_refresh_count: number;
  user_disabled: number;
  /** The user's profile claims, read in the same batch as the rotation, so a new access token carries today's values. */
  user_email: string;
  user_email_verified: number;
  user_app_metadata: string;
}

const REFRESH_TOKEN_STATE = `SELECT t.token_hash, t.session_id, t.expires_at, t.rotated_at, t.successor_hash, t.successor_box,
              s.user_id, s.created_at AS session_created_at, s.revoked_at AS session_revoked_at, s.amr AS session_amr,
              s.client_id AS session_client_id, s.scope AS session_scope, s.refresh_window_start AS session_refresh_window_start,
              s.refresh_count AS session_refresh_count, u.disabled AS user_disabled,
              u.email AS user_email, u.email_verified AS user_email_verified, u.app_metadata AS user_app_metadata
       FROM refresh_tokens t
       JOIN sessions s ON s.id = t.session_id
       JOIN users u ON u.id = s.user_id
       WHERE t.token_hash = ? AND t.project_id = ?`;

export function findRefreshToken(db: D1Database, projectId: string, tokenHash: string): Promise<RefreshTokenState | null> {
  return db.prepare(REFRESH_TOKEN_STATE).bind(tokenHash, projectId).first<RefreshTokenState>();
}

export interface Rotation {
  projectId: string;
  oldHash: string;
  newHash: string;
  successorBox: string;
  /** The rotation instant, epoch ms. */
  at: number;
  /** Audit row of a won rotation; actor and target (user, session) are filled in from the token. */
  audit: { id: string; ip: string | null; userAgent: string | null; requestId: string | null };
  /** Sealed successors of the session rotated before this (ISO) are erased by a won rotation. */
  eraseBefore: string;
  /** The OAuth client refreshing (token endpoint), or null (POST /refresh): a session rotates only for the client it was issued to. */
  clientId: string | null;
  /** The refresh.session rule: at most `limit` refreshes per session in a fixed window of `windowMs`. */
  window: RefreshWindow;
}

export interface RefreshWindow {
  limit: number;
  windowMs: number;
}

// The session's refresh.session counter, counting one refresh at epoch ms `at` (?at) under a window of ?ms:
// a window that ended starts over at `at`. SQLite evaluates every SET expression on the row as it was.
const countRefresh = (at: string, ms: string) =>
  `refresh_count = CASE WHEN refresh_window_start + ${ms} <= ${at} THEN 1 ELSE refresh_count + 1 END,
   refresh_window_start = CASE WHEN refresh_window_start + ${ms} <= ${at} THEN ${at} ELSE refresh_window_start END`;
/** Whether session `s` may count one more refresh at ?at (its window ended, or it has room). */
const refreshAllowed = (s: string, at: string, ms: string, limit: string) => `(${s}.refresh_window_start + ${ms} <= ${at} OR ${s}.refresh_count < ${limit})`;

// Epoch ms of an ISO column, exact (julianday keeps milliseconds; ROUND drops float noise), and back.
const msOf = (column: string) => `CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000) AS INTEGER)`;
const isoOf = (ms: string) => `(strftime('%Y-%m-%dT%H:%M:%S', (${ms}) / 1000, 'unixepoch') || printf('.%03dZ', (${ms}) % 1000))`;
/** A successor lives refresh_token_ttl, never past its session's absolute end (session_max_age after login). */
const SUCCESSOR_EXPIRY = isoOf(`MIN(?1 + p.refresh_token_ttl * 1000, ${msOf("s.created_at")} + p.session_max_age * 1000)`);

/**
 * Refresh in one batch (one transaction, one round trip). The old token is marked rotated only if
 * nobody rotated it first and everything that may refuse a refresh allows it (token unexpired,
 * session live and within its absolute lifetime and its refresh.session window, user enabled,
 * project enabled); the successor, the session's touch (which counts the refresh in its window),
 * the audit row and the erasure of stale successor boxes follow only if that mark is ours. The
 * last two statements read what the caller decides on: `refreshOutcome(results)` → the project
 * (with its active key), whether this call won, and the token's state after the batch (for the
 * rare paths: refusals, grace-window duplicates, reuse).
 */
export function rotateRefreshToken(db: D1Database, r: Rotation, project: D1PreparedStatement): D1PreparedStatement[] {
  const atIso = new Date(r.at).toISOString();
  return [
    db
      .prepare(
        `UPDATE refresh_tokens SET rotated_at = ?2, successor_hash = ?4, successor_box = ?6
         WHERE token_hash = ?3 AND project_id = ?5 AND rotated_at IS NULL AND expires_at > ?2
           AND EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id JOIN projects p ON p.id = s.project_id
                       WHERE s.id = refresh_tokens.session_id AND s.revoked_at IS NULL AND u.disabled = 0 AND p.enabled = 1
                         AND s.client_id IS ?7 AND ${msOf("s.created_at")} + p.session_max_age * 1000 > ?1
                         AND ${refreshAllowed("s", "?1", "?8", "?9")})`,
      )
      .bind(r.at, atIso, r.oldHash, r.newHash, r.projectId, r.successorBox, r.clientId, r.window.windowMs, r.window.limit),
    db
      .prepare(
        `INSERT INTO refresh_tokens (token_hash, session_id, project_id, created_at, expires_at)
         SELECT ?4, t.session_id, t.project_id, ?2, ${SUCCESSOR_EXPIRY}
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN projects p ON p.id = t.project_id
         WHERE t.token_hash = ?3 AND t.successor_hash = ?4`,
      )
      .bind(r.at, atIso, r.oldHash, r.newHash),
    db
      .prepare(
        `UPDATE sessions SET last_used_at = ?1, expires_at = (SELECT expires_at FROM refresh_tokens WHERE token_hash = ?2), ${countRefresh("?4", "?5")}
         WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ?3 AND successor_hash = ?2)`,
      )
      .bind(atIso, r.newHash, r.oldHash, r.at, r.window.windowMs),
    db
      .prepare(
        `INSERT INTO audit_log (id, created_at, type, outcome, actor_type, actor_id, project_id, target_type, target_id, ip, user_agent, request_id, details)
         SELECT ?5, ?2, 'auth.refresh', 'success', 'user', s.user_id, t.project_id, 'session', s.id, ?6, ?7, ?8, '{}'
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
         WHERE t.token_hash = ?3 AND t.successor_hash = ?4`,
      )
      .bind(r.at, atIso, r.oldHash, r.newHash, r.audit.id, r.audit.ip, r.audit.userAgent, r.audit.requestId),
    db
      .prepare(
        `UPDATE refresh_tokens SET successor_box = NULL
         WHERE session_id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ?2 AND successor_hash = ?3)
           AND successor_box IS NOT NULL AND rotated_at < ?1 AND project_id = ?4`,
      )
      .bind(r.eraseBefore, r.oldHash, r.newHash, r.projectId),
    project,
    db.prepare(REFRESH_TOKEN_STATE).bind(r.oldHash, r.projectId),
  ];
}

export interface RefreshOutcome<P> {
  project: P | null;
  won: boolean;
  state: RefreshTokenState | null;
}

/** Reads the batch of rotateRefreshToken. */
export function refreshOutcome<P>(results: D1Result[]): RefreshOutcome<P> {
  return {
    won: results[0]?.meta.changes === 1,
    project: (results[5]?.results[0] as P | undefined) ?? null,
    state: (results[6]?.results[0] as RefreshTokenState | undefined) ?? null,
  };
}

/** A session's refresh.session counter. */
export interface SessionRefreshWindow {
  refresh_window_start: number;
  refresh_count: number;
}

/**
 * Counts a refresh that rotates nothing (a duplicate inside the grace window, answered with the
 * winner's successor) in the session's refresh.session window, then reads the counter: the first
 * result's `meta.changes` is 0 when the window was full, the second holds the counter as it is.
 */
export function countDuplicateRefresh(db: D1Database, projectId: string, sessionId: string, at: number, window: RefreshWindow): D1PreparedStatement[] {
  return [
    db
      .prepare(`UPDATE sessions SET ${countRefresh("?3", "?4")} WHERE project_id = ?1 AND id = ?2 AND ${refreshAllowed("sessions", "?3", "?4", "?5")}`)
      .bind(projectId, sessionId, at, window.windowMs, window.limit),
    db.prepare(`SELECT refresh_window_start, refresh_count FROM sessions WHERE project_id = ? AND id = ?`).bind(projectId, sessionId),
  ];
}

/** Holds while the session's current refresh.session block has not been audited yet. */
export const refreshBlockUnaudited = (projectId: string, sessionId: string): Guard =>
  guard(`SELECT 1 FROM sessions WHERE project_id = ? AND id = ? AND refresh_block_audited != refresh_window_start`, projectId, sessionId);

/** Marks the session's current refresh.session block audited (after insertAuditIf with refreshBlockUnaudited, in one batch). */
export function markRefreshBlockAudited(db: D1Database, projectId: string, sessionId: string): D1PreparedStatement {
  return db.prepare(`UPDATE sessions SET refresh_block_audited = refresh_window_start WHERE project_id = ? AND id = ?`).bind(projectId, sessionId);
}

/**
 * Adds `method` to a live session's amr (a session that just enrolled a second factor, or
 * answered one): its next access token carries it, and a restricted session is one no longer.
 */
export function addSessionAmr(db: D1Database, projectId: string, sessionId: string, method: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET amr = json_insert(amr, '$[#]', ?3)
       WHERE project_id = ?1 AND id = ?2 AND revoked_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM json_each(sessions.amr) WHERE value = ?3)`,
    )
    .bind(projectId, sessionId, method);
}

/** Revokes a live session; with `userId`, only if it belongs to that user. */
export function revokeSession(
  db: D1Database,
  projectId: string,
  sessionId: string,
  reason: string,
  at: string,
  userId: string | null = null,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
       WHERE project_id = ? AND id = ? AND revoked_at IS NULL AND (?5 IS NULL OR user_id = ?5)`,
    )
    .bind(at, reason, projectId, sessionId, userId);
}

/** Revokes every live session of a user, optionally sparing one (the caller's own). */
export function revokeUserSessions(db: D1Database, projectId: string, userId: string, reason: string, at: string, exceptSessionId = ""): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
       WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL AND id != ?`,
    )
    .bind(at, reason, projectId, userId, exceptSessionId);
}

/** Revokes every live session issued to an OAuth client (at the token endpoint), e.g. when the client is deleted. */
export function revokeClientSessions(db: D1Database, projectId: string, clientId: string, reason: string, at: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE project_id = ? AND client_id = ? AND revoked_at IS NULL`)
    .bind(at, reason, projectId, clientId);
}

/** What an authenticated request needs in one round trip: the user and whether the session lives. */
export interface SessionUser {
  id: string;
  email: string;
  display_name: string | null;
  email_verified: number;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  metadata: string;
  app_metadata: string;
  session_revoked_at: string | null;
  /** The session's amr list (JSON). */
  session_amr: string;
  /** The user's second factors, read in the same query (for /me): when TOTP was confirmed, and how many passkeys. */
  totp_confirmed_at: string | null;
  passkeys: number;
}

/** Sessions neither revoked nor expired, started after `startedAfter` (older ones reached the absolute lifetime). */
export function listLiveSessions(db: D1Database, projectId: string, userId: string, nowIso: string, startedAfter: string): Promise<D1Result<SessionRow>> {
  return db
    .prepare(
      `SELECT * FROM sessions WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ? AND created_at > ?
       ORDER BY last_used_at DESC LIMIT 100`,
    )
    .bind(projectId, userId, nowIso, startedAfter)
    .all<SessionRow>();
}

// Retention sweep (all projects at once, run by the Cron Trigger). Each statement touches at most
// `limit` rows, found through an index, and is idempotent: a run cut short is finished by the next.

/** Erases sealed successors of tokens rotated before `before` (past the grace window). */
export function sweepSuccessorBoxes(db: D1Database, before: string, limit: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE refresh_tokens SET successor_box = NULL
       WHERE token_hash IN (SELECT token_hash FROM refresh_tokens WHERE successor_box IS NOT NULL AND rotated_at < ? LIMIT ?)`,
    )
    .bind(before, limit);
}

/**
 * Deletes refresh rows past their own expiry. Until then a spent row is kept, so that a replay of
 * it still revokes its session (REFRESH_TOKEN_REUSED); after it, a replay is refused as expired anyway.
 */
export function sweepExpiredRefreshTokens(db: D1Database, at: string, limit: number): D1PreparedStatement {
  return db.prepare(`DELETE FROM refresh_tokens WHERE token_hash IN (SELECT token_hash FROM refresh_tokens WHERE expires_at <= ? LIMIT ?)`).bind(at, limit);
}

const UNSWEPT_REVOKED = `SELECT id FROM sessions WHERE revoked_at IS NOT NULL AND expires_at > revoked_at ORDER BY revoked_at, id LIMIT ?`;

/**
 * Deletes every refresh row of up to `limit` revoked sessions, then marks those sessions swept by
 * ending their expiry at the revocation (true: the session ended then). One batch, one transaction,
 * so both statements see the same sessions. The first result's `changes` counts the deleted rows.
 */
export function sweepRevokedSessions(db: D1Database, limit: number): D1PreparedStatement[] {
  return [
    db.prepare(`DELETE FROM refresh_tokens WHERE session_id IN (${UNSWEPT_REVOKED})`).bind(limit),
    db.prepare(`UPDATE sessions SET expires_at = revoked_at WHERE id IN (${UNSWEPT_REVOKED})`).bind(limit),
  ];
}

/** Holds when the session was revoked by the statement stamped `at`. */
export const sessionRevokedAt = (sessionId: string, at: string): Guard => guard(`SELECT 1 FROM sessions WHERE id = ? AND revoked_at = ?`, sessionId, at);

/** A session with what the OpenID Provider's revocation, introspection and logout decide on. */
export interface SessionState {
  id: string;
  user_id: string;
  client_id: string | null;
  scope: string | null;
  idp_session_id: string | null;
  created_at: string;
  revoked_at: string | null;
  user_disabled: number;
}

export function getSessionState(db: D1Database, projectId: string, sessionId: string): Promise<SessionState | null> {
  return db
    .prepare(
      `SELECT s.id, s.user_id, s.client_id, s.scope, s.idp_session_id, s.created_at, s.revoked_at, u.disabled AS user_disabled
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.project_id = ? AND s.id = ?`,
    )
    .bind(projectId, sessionId)
    .first<SessionState>();
}

/** Ends a single sign-on session (a hosted page's session) and every client session issued from it. */
export function revokeSignOnSessions(db: D1Database, projectId: string, idpSessionId: string, reason: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2
       WHERE project_id = ?3 AND (id = ?4 OR idp_session_id = ?4) AND revoked_at IS NULL`,
    )
    .bind(at, reason, projectId, idpSessionId);
}
