// Email sign-in codes and magic links (migration 0010): one pending attempt per (project, address).
// Every query names the project: a code or link of another project is simply not found.
import { andExists, guard, type Guard } from "./sql";

export interface SignInCodeRow {
  project_id: string;
  email: string;
  salt: string;
  code_hash: string;
  link_hash: string;
  created_at: string;
  expires_at: string;
  attempts: number;
  used_at: string | null;
  used_by: string | null;
}

export type NewSignInCode = Pick<SignInCodeRow, "project_id" | "email" | "salt" | "code_hash" | "link_hash" | "created_at" | "expires_at">;

/** Stores the attempt, replacing the address's previous one: only the newest code and link work. */
export function upsertSignInCode(db: D1Database, r: NewSignInCode): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO passwordless_codes (project_id, email, salt, code_hash, link_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, email) DO UPDATE SET salt = excluded.salt, code_hash = excluded.code_hash, link_hash = excluded.link_hash,
         created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = 0, used_at = NULL, used_by = NULL`,
    )
    .bind(r.project_id, r.email, r.salt, r.code_hash, r.link_hash, r.created_at, r.expires_at);
}

/** Deletes up to `limit` of the project's attempts that expired before `before` (bounded work per start). */
export function pruneSignInCodes(db: D1Database, projectId: string, before: string, limit: number): D1PreparedStatement {
  return db
    .prepare(`DELETE FROM passwordless_codes WHERE rowid IN (SELECT rowid FROM passwordless_codes WHERE project_id = ? AND expires_at < ? LIMIT ?)`)
    .bind(projectId, before, limit);
}

/**
 * Counts one comparison against the address's live code before it is made, atomically: parallel
 * guesses cannot compare more than `max` codes. Null when there is no live code to compare with.
 */
export function reserveAttempt(db: D1Database, projectId: string, email: string, at: string, max: number): Promise<SignInCodeRow | null> {
  return db
    .prepare(
      `UPDATE passwordless_codes SET attempts = attempts + 1
       WHERE project_id = ? AND email = ? AND used_at IS NULL AND expires_at > ? AND attempts < ? RETURNING *`,
    )
    .bind(projectId, email, at, max)
    .first<SignInCodeRow>();
}

export function findSignInLink(db: D1Database, projectId: string, linkHash: string): Promise<SignInCodeRow | null> {
  return db.prepare(`SELECT * FROM passwordless_codes WHERE link_hash = ? AND project_id = ?`).bind(linkHash, projectId).first<SignInCodeRow>();
}

/** One mailed attempt: the row is named by its salt, so a newer start (a new salt) is never spent by an older request. */
export interface SignInSpend {
  projectId: string;
  email: string;
  salt: string;
  at: string;
  /** A random id of this request; later statements of its batch are guarded by spentSignInCode(). */
  usedBy: string;
}

/** Spends the attempt without signing in (out of attempts, or nobody to sign in). */
export function spendSignInCode(db: D1Database, s: Omit<SignInSpend, "usedBy">): D1PreparedStatement {
  return db
    .prepare(`UPDATE passwordless_codes SET used_at = ? WHERE project_id = ? AND email = ? AND salt = ? AND used_at IS NULL`)
    .bind(s.at, s.projectId, s.email, s.salt);
}

/** Spends the attempt for this request if at `at` it is unused and unexpired; a returned row means this request won. */
export function consumeSignInCode(db: D1Database, s: SignInSpend): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE passwordless_codes SET used_at = ?1, used_by = ?2
       WHERE project_id = ?3 AND email = ?4 AND salt = ?5 AND used_at IS NULL AND expires_at > ?1 RETURNING email`,
    )
    .bind(s.at, s.usedBy, s.projectId, s.email, s.salt);
}

/** Holds when this request spent the attempt: the rest of its batch does its work once. */
export const spentSignInCode = (s: SignInSpend): Guard =>
  guard(`SELECT 1 FROM passwordless_codes WHERE project_id = ? AND email = ? AND used_by = ?`, s.projectId, s.email, s.usedBy);

/**
 * The mailbox is proven now: a password set while the address was unproven may be a squatter's
 * (pre-registered account), so it is cleared and the sessions it opened end. No-op for a verified address.
 */
export function dropUnprovenPassword(db: D1Database, s: SignInSpend, userId: string): D1PreparedStatement[] {
  const spent = spentSignInCode(s);
  const unproven = guard(`SELECT 1 FROM users WHERE project_id = ? AND id = ? AND email_verified = 0 AND password_hash IS NOT NULL`, s.projectId, userId);
  return [
    db
      .prepare(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'email_proven'
         WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL${andExists(spent)}${andExists(unproven)}`,
      )
      .bind(s.at, s.projectId, userId, ...spent.bindings, ...unproven.bindings),
    db
      .prepare(
        `UPDATE users SET password_hash = NULL, updated_at = ? WHERE project_id = ? AND id = ? AND email_verified = 0 AND password_hash IS NOT NULL${andExists(spent)}`,
      )
      .bind(s.at, s.projectId, userId, ...spent.bindings),
  ];
}
