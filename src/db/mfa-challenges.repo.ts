// Second-factor challenges of sign-ins (migration 0008): the mfaToken stored only as SHA-256,
// single use (a conditional UPDATE spends it), counted wrong attempts, 5-minute lifetime.
import { andExists, guard, type Guard } from "./sql";

export interface MfaChallengeRow {
  token_hash: string;
  project_id: string;
  user_id: string;
  /** JSON list: the first factor's amr. */
  amr: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export function insertMfaChallenge(
  db: D1Database,
  c: { tokenHash: string; projectId: string; userId: string; amr: readonly string[]; createdAt: string; expiresAt: string },
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO mfa_challenges (token_hash, project_id, user_id, amr, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .bind(c.tokenHash, c.projectId, c.userId, JSON.stringify(c.amr), c.createdAt, c.expiresAt);
}

/** The challenge of a token hash in this project, whatever its state (the caller judges it). */
export function getMfaChallenge(db: D1Database, projectId: string, tokenHash: string): Promise<MfaChallengeRow | null> {
  return db.prepare(`SELECT * FROM mfa_challenges WHERE token_hash = ? AND project_id = ?`).bind(tokenHash, projectId).first<MfaChallengeRow>();
}

/** Holds while the challenge can still be answered: unspent, unexpired at `at`, attempts left. */
export const challengeLive = (projectId: string, tokenHash: string, at: string, maxAttempts: number): Guard =>
  guard(
    `SELECT 1 FROM mfa_challenges WHERE token_hash = ? AND project_id = ? AND used_at IS NULL AND expires_at > ? AND attempts < ?`,
    tokenHash,
    projectId,
    at,
    maxAttempts,
  );

/** Spends a live challenge when `onlyIf` holds (the factor accepted in the same batch); RETURNING the row when it did. */
export function spendMfaChallenge(db: D1Database, projectId: string, tokenHash: string, at: string, maxAttempts: number, onlyIf: Guard): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE mfa_challenges SET used_at = ?1
       WHERE token_hash = ?2 AND project_id = ?3 AND used_at IS NULL AND expires_at > ?1 AND attempts < ?4${andExists(onlyIf)}
       RETURNING *`,
    )
    .bind(at, tokenHash, projectId, maxAttempts, ...onlyIf.bindings);
}

/** Counts a wrong code against a live challenge; RETURNING the attempts so far. */
export function countWrongAttempt(db: D1Database, projectId: string, tokenHash: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = ? AND project_id = ? AND used_at IS NULL AND expires_at > ? RETURNING attempts`,
    )
    .bind(tokenHash, projectId, at);
}

/** Spends every open challenge of the user (their factors were reset or turned off). */
export function spendUserChallenges(db: D1Database, projectId: string, userId: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE mfa_challenges SET used_at = ? WHERE project_id = ? AND user_id = ? AND used_at IS NULL`).bind(at, projectId, userId);
}

/** Deletes the user's challenges that expired before `before` (run with each new challenge, so rows do not pile up). */
export function deleteStaleChallenges(db: D1Database, projectId: string, userId: string, before: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM mfa_challenges WHERE project_id = ? AND user_id = ? AND expires_at < ?`).bind(projectId, userId, before);
}
