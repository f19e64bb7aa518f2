// Single-use tokens of the email flows (verification, password reset), stored only as SHA-256.
// Every lookup is scoped to one project and one purpose: a token of another project or purpose
// is simply not found, and is never spent by the wrong endpoint.
import { andExists, guard, type Guard } from "./sql";

export type TokenPurpose = "verify_email" | "reset_password";

export interface OneTimeTokenRow {
  token_hash: string;
  project_id: string;
  user_id: string;
  purpose: TokenPurpose;
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
}

export interface NewOneTimeToken {
  tokenHash: string;
  projectId: string;
  userId: string;
  purpose: TokenPurpose;
  /** The user's normalized email now: the token dies if the address changes. */
  email: string;
  createdAt: string;
  expiresAt: string;
}

export function insertOneTimeToken(db: D1Database, t: NewOneTimeToken): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO one_time_tokens (token_hash, project_id, user_id, purpose, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(t.tokenHash, t.projectId, t.userId, t.purpose, t.email, t.createdAt, t.expiresAt);
}

/** Deletes the user's tokens of this purpose that expired before `before`, so the table stays small without a cron. */
export function pruneOneTimeTokens(db: D1Database, projectId: string, userId: string, purpose: TokenPurpose, before: string): D1PreparedStatement {
  return db
    .prepare(`DELETE FROM one_time_tokens WHERE user_id = ? AND purpose = ? AND project_id = ? AND expires_at < ?`)
    .bind(userId, purpose, projectId, before);
}

/** A token and the current state of its user (null columns when the user is gone). */
export interface OneTimeTokenState extends OneTimeTokenRow {
  user_email: string | null;
  user_disabled: number | null;
}

export function findOneTimeToken(db: D1Database, projectId: string, purpose: TokenPurpose, tokenHash: string): Promise<OneTimeTokenState | null> {
  return db
    .prepare(
      `SELECT t.*, u.email_normalized AS user_email, u.disabled AS user_disabled
       FROM one_time_tokens t LEFT JOIN users u ON u.id = t.user_id AND u.project_id = t.project_id
       WHERE t.token_hash = ? AND t.project_id = ? AND t.purpose = ?`,
    )
    .bind(tokenHash, projectId, purpose)
    .first<OneTimeTokenState>();
}

export interface Consumption {
  projectId: string;
  purpose: TokenPurpose;
  tokenHash: string;
  at: string;
  /** A random id of this request; statements later in the same batch are guarded by spentBy() with it. */
  usedBy: string;
}

/**
 * Spends the token, atomically, only if at `at` it is unused and unexpired and its user still
 * has the address it was mailed to and is enabled. `changes === 1` means this request won.
 */
export function consumeOneTimeToken(db: D1Database, s: Consumption): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE one_time_tokens SET used_at = ?1, used_by = ?2
       WHERE token_hash = ?3 AND project_id = ?4 AND purpose = ?5 AND used_at IS NULL AND expires_at > ?1
         AND EXISTS (SELECT 1 FROM users u WHERE u.id = one_time_tokens.user_id AND u.project_id = one_time_tokens.project_id
                     AND u.email_normalized = one_time_tokens.email AND u.disabled = 0)
       RETURNING user_id`,
    )
    .bind(s.at, s.usedBy, s.tokenHash, s.projectId, s.purpose);
}

/** Holds when this request (`usedBy`) is the one that spent the token: later statements of its batch do their work once. */
export const spentBy = (s: Consumption): Guard => guard(`SELECT 1 FROM one_time_tokens WHERE token_hash = ? AND used_by = ?`, s.tokenHash, s.usedBy);

/** Once one token is used, the user's other live tokens of the same purpose (older emails) stop working too. */
export function spendSiblingTokens(db: D1Database, s: Consumption, userId: string): D1PreparedStatement {
  const spent = spentBy(s);
  return db
    .prepare(`UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND project_id = ? AND used_at IS NULL${andExists(spent)}`)
    .bind(s.at, userId, s.purpose, s.projectId, ...spent.bindings);
}

/** Spends every outstanding token of this purpose of the user, e.g. reset links once the password changed some other way. */
export function spendUserTokens(db: D1Database, projectId: string, userId: string, purpose: TokenPurpose, at: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND project_id = ? AND used_at IS NULL`)
    .bind(at, userId, purpose, projectId);
}
