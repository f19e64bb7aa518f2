// Sessions and their rotating refresh tokens (stored only as SHA-256 hashes).
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
}

/** The session row and its first refresh token; run them in one batch. */
export function insertSession(db: D1Database, s: NewSession): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO sessions (id, project_id, user_id, user_agent, ip, created_at, last_used_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(s.id, s.projectId, s.userId, s.userAgent, s.ip, s.createdAt, s.createdAt, s.expiresAt),
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
  user_disabled: number;
}

export function findRefreshToken(db: D1Database, projectId: string, tokenHash: string): Promise<RefreshTokenState | null> {
  return db
    .prepare(
      `SELECT t.token_hash, t.session_id, t.expires_at, t.rotated_at, t.successor_hash, t.successor_box,
              s.user_id, s.created_at AS session_created_at, s.revoked_at AS session_revoked_at, u.disabled AS user_disabled
       FROM refresh_tokens t
       JOIN sessions s ON s.id = t.session_id
       JOIN users u ON u.id = s.user_id
       WHERE t.token_hash = ? AND t.project_id = ?`,
    )
    .bind(tokenHash, projectId)
    .first<RefreshTokenState>();
}

export interface Rotation {
  projectId: string;
  oldHash: string;
  newHash: string;
  successorBox: string;
  at: string;
  expiresAt: string;
}

/**
 * Atomic rotation as one batch (one transaction): the old token is marked rotated only if
 * nobody rotated it first, and the successor is inserted only if that mark is ours.
 * The first statement's `changes` tells the caller whether it won.
 */
export function rotateRefreshToken(db: D1Database, r: Rotation): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE refresh_tokens SET rotated_at = ?, successor_hash = ?, successor_box = ?
         WHERE token_hash = ? AND project_id = ? AND rotated_at IS NULL`,
      )
      .bind(r.at, r.newHash, r.successorBox, r.oldHash, r.projectId),
    db
      .prepare(
        `INSERT INTO refresh_tokens (token_hash, session_id, project_id, created_at, expires_at)
         SELECT ?, session_id, project_id, ?, ? FROM refresh_tokens WHERE token_hash = ? AND successor_hash = ?`,
      )
      .bind(r.newHash, r.at, r.expiresAt, r.oldHash, r.newHash),
    db
      .prepare(
        `UPDATE sessions SET last_used_at = ?, expires_at = ?
         WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ? AND successor_hash = ?)`,
      )
      .bind(r.at, r.expiresAt, r.oldHash, r.newHash),
  ];
}

/**
 * Erases the session's sealed successors of tokens rotated before `before` (the grace window
 * has passed, so nothing may open them): an old token plus a database copy cannot reach the live one.
 */
export function eraseSessionSuccessors(db: D1Database, projectId: string, sessionId: string, before: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE refresh_tokens SET successor_box = NULL WHERE session_id = ? AND successor_box IS NOT NULL AND rotated_at < ? AND project_id = ?`)
    .bind(sessionId, before, projectId);
}

/** Revokes a live session; with `userId`, only if it belongs to that user. */
export function revokeSession(db: D1Database, projectId: string, sessionId: string, reason: string, at: string, userId: string | null = null): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
       WHERE project_id = ? AND id = ? AND revoked_at IS NULL AND (?5 IS NULL OR user_id = ?5)`,
    )
    .bind(at, reason, projectId, sessionId, userId);
}

/** Condition for insertAuditIf: the session was revoked by the statement stamped `at`. */
export const REVOKED_AT = `SELECT 1 FROM sessions WHERE id = ? AND revoked_at = ?`;

/** Revokes every live session of a user, optionally sparing one (the caller's own). */
export function revokeUserSessions(db: D1Database, projectId: string, userId: string, reason: string, at: string, exceptSessionId = ""): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
       WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL AND id != ?`,
    )
    .bind(at, reason, projectId, userId, exceptSessionId);
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
  session_revoked_at: string | null;
}

export function getSessionUser(db: D1Database, projectId: string, userId: string, sessionId: string): Promise<SessionUser | null> {
  return db
    .prepare(
      `SELECT u.id, u.email, u.display_name, u.email_verified, u.disabled, u.created_at, u.updated_at, u.last_login_at,
              s.revoked_at AS session_revoked_at
       FROM users u JOIN sessions s ON s.id = ? AND s.user_id = u.id AND s.project_id = u.project_id
       WHERE u.project_id = ? AND u.id = ?`,
    )
    .bind(sessionId, projectId, userId)
    .first<SessionUser>();
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
  return db
    .prepare(`DELETE FROM refresh_tokens WHERE token_hash IN (SELECT token_hash FROM refresh_tokens WHERE expires_at <= ? LIMIT ?)`)
    .bind(at, limit);
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

// (Imports are hoisted: this one sits with the guard it serves.)
import { guard, type Guard } from "./sql";

/** Holds when the session was revoked by the statement stamped `at`. */
export const sessionRevokedAt = (sessionId: string, at: string): Guard => guard(`SELECT 1 FROM sessions WHERE id = ? AND revoked_at = ?`, sessionId, at);
