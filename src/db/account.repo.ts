// Account changes made by the email flows. Each runs in the batch that spends the one-time
// token and applies only if that request spent it (SPENT_BY), so a token does its work once.
import { insertAuditIf, type AuditEntry } from "./audit.repo";
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

/** A provider identity linked while the account's address was unverified (migration 0004). */
export interface UnprovenIdentity {
  provider: string;
  issuer: string;
  subject: string;
}

export async function listUnprovenIdentities(db: D1Database, projectId: string, userId: string): Promise<UnprovenIdentity[]> {
  const { results } = await db
    .prepare(`SELECT provider, issuer, subject FROM user_identities WHERE project_id = ? AND user_id = ? AND email_verified_at_link = 0`)
    .bind(projectId, userId)
    .all<UnprovenIdentity>();
  return results;
}

/**
 * Our link just proved who owns the mailbox: identities linked while it was unproven may be an
 * attacker's, so they are cut and every session of the user ends (none can be told apart), with
 * `audit` written only if there was something to cut. Applies only if this request spent the token.
 */
export function cutUnprovenIdentities(db: D1Database, s: Consumption, userId: string, audit: AuditEntry): D1PreparedStatement[] {
  const unproven = `SELECT 1 FROM user_identities WHERE project_id = ? AND user_id = ? AND email_verified_at_link = 0`;
  return [
    db
      .prepare(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'identity_unlinked'
         WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL AND EXISTS (${SPENT_BY}) AND EXISTS (${unproven})`,
      )
      .bind(s.at, s.projectId, userId, s.tokenHash, s.usedBy, s.projectId, userId),
    insertAuditIf(db, audit, `${unproven} AND EXISTS (${SPENT_BY})`, s.projectId, userId, s.tokenHash, s.usedBy),
    db
      .prepare(`DELETE FROM user_identities WHERE project_id = ? AND user_id = ? AND email_verified_at_link = 0 AND EXISTS (${SPENT_BY})`)
      .bind(s.projectId, userId, s.tokenHash, s.usedBy),
  ];
}
