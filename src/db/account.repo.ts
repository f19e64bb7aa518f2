// Account changes made by the email flows. Each runs in the batch that spends the one-time
// token and applies only if that request spent it (the spentBy guard), so a token does its work once.
import { insertAuditIf, type AuditEntry } from "./audit.repo";
import { spentBy, type Consumption } from "./one-time-tokens.repo";
import { andExists, guard, type Guard } from "./sql";
import { setResetPassword } from "./users.repo";

/**
 * Sets the new password and ends every session of the user (their refresh tokens and access
 * tokens stop working). The second statement's `changes` is the number of sessions ended.
 */
export function resetPassword(db: D1Database, s: Consumption, userId: string, passwordHash: string): D1PreparedStatement[] {
  const spent = spentBy(s);
  return [
    setResetPassword(db, s.projectId, userId, passwordHash, s.at, spent),
    db
      .prepare(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'password_reset' WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL${andExists(spent)}`,
      )
      .bind(s.at, s.projectId, userId, ...spent.bindings),
  ];
}

/** A provider identity linked while the account's address was unverified (migration 0004). */
export interface UnprovenIdentity {
  provider: string;
  issuer: string;
  subject: string;
}

/** The user's identities linked while the account's address was unverified (migration 0004); binds projectId, userId. */
const UNPROVEN = `FROM user_identities WHERE project_id = ? AND user_id = ? AND email_verified_at_link = 0`;

export async function listUnprovenIdentities(db: D1Database, projectId: string, userId: string): Promise<UnprovenIdentity[]> {
  const { results } = await db.prepare(`SELECT provider, issuer, subject ${UNPROVEN}`).bind(projectId, userId).all<UnprovenIdentity>();
  return results;
}

/**
 * Our link just proved who owns the mailbox: identities linked while it was unproven may be an
 * attacker's, so they are cut and every session of the user ends (none can be told apart), with
 * `audit` written only if there was something to cut. Applies only if this request spent the token.
 */
export function cutUnprovenIdentities(db: D1Database, s: Consumption, userId: string, audit: AuditEntry): D1PreparedStatement[] {
  return cutUnprovenIdentitiesIf(db, { projectId: s.projectId, at: s.at }, spentBy(s), userId, audit);
}

/** As cutUnprovenIdentities, for another proof of the mailbox (a sign-in code): applies only if `spent` holds. */
export function cutUnprovenIdentitiesIf(
  db: D1Database,
  s: { projectId: string; at: string },
  spent: Guard,
  userId: string,
  audit: AuditEntry,
): D1PreparedStatement[] {
  const unproven = guard(`SELECT 1 ${UNPROVEN}`, s.projectId, userId);
  return [
    db
      .prepare(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'identity_unlinked'
         WHERE project_id = ? AND user_id = ? AND revoked_at IS NULL${andExists(spent)}${andExists(unproven)}`,
      )
      .bind(s.at, s.projectId, userId, ...spent.bindings, ...unproven.bindings),
    insertAuditIf(db, audit, guard(`SELECT 1 ${UNPROVEN}${andExists(spent)}`, s.projectId, userId, ...spent.bindings)),
    db.prepare(`DELETE ${UNPROVEN}${andExists(spent)}`).bind(s.projectId, userId, ...spent.bindings),
  ];
}
