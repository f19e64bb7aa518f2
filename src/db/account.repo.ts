// Account changes made by the email flows. Each runs in the batch that spends the one-time
// token and applies only if that request spent it (SPENT_BY), so a token does its work once.
import { SPENT_BY, type Consumption } from "./one-time-tokens.repo";

/** Marks the user's email verified; returns the user row when applied. */
export function markEmailVerified(db: D1Database, s: Consumption, userId: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE users SET email_verified = 1, updated_at = ? WHERE project_id = ? AND id = ? AND EXISTS (${SPENT_BY}) RETURNING *`)
    .bind(s.at, s.projectId, userId, s.tokenHash, s.usedBy);
}

/**
 * Sets the new password and ends every session of the user (their refresh tokens and access
 * tokens stop working). A reset link proves control of the mailbox, so the email counts as verified.
 * The second statement's `changes` is the number of sessions ended.
 */
export function resetPassword(db: D1Database, s: Consumption, userId: string, passwordHash: string): D1PreparedStatement[] {
  return [
    db
      .prepare(`UPDATE users SET password_hash = ?, email_verified = 1, updated_at = ? WHERE project_id = ? AND id = ? AND EXISTS (${SPENT_BY})`)
      .bind(passwordHash, s.at, s.projectId, userId, s.tokenHash, s.usedBy),
    db
      .prepare(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'password_reset'
         WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL AND EXISTS (${SPENT_BY})`,
      )
      .bind(s.at, s.projectId, userId, s.tokenHash, s.usedBy),
  ];
}
