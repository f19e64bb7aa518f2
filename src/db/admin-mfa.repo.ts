// Admins' second factor: the TOTP factor (secret sealed), recovery codes (hashed) and login challenges (hashed).
// Every spend is a conditional UPDATE, so two requests racing for one code, step or challenge cannot both win.

export interface AdminTotpRow {
  admin_id: string;
  secret_box: string;
  created_at: string;
  confirmed_at: string | null;
  last_step: number | null;
}

export function getAdminTotp(db: D1Database, adminId: string): Promise<AdminTotpRow | null> {
  return db.prepare(`SELECT * FROM admin_totp WHERE admin_id = ?`).bind(adminId).first<AdminTotpRow>();
}

export async function hasConfirmedTotp(db: D1Database, adminId: string): Promise<boolean> {
  return (await db.prepare(`SELECT 1 AS one FROM admin_totp WHERE admin_id = ? AND confirmed_at IS NOT NULL`).bind(adminId).first("one")) !== null;
}

/** A new pending factor, replacing a pending one; a confirmed factor is left alone (RETURNING tells which). */
export function upsertPendingTotp(db: D1Database, adminId: string, secretBox: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admin_totp (admin_id, secret_box, created_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (admin_id) DO UPDATE SET secret_box = ?2, created_at = ?3, last_step = NULL WHERE confirmed_at IS NULL
       RETURNING admin_id`,
    )
    .bind(adminId, secretBox, at);
}

/** Confirms the pending factor with the step its first code matched; no row when it was not pending (any more). */
export function confirmTotp(db: D1Database, adminId: string, secretBox: string, step: number, at: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE admin_totp SET confirmed_at = ?, last_step = ? WHERE admin_id = ? AND secret_box = ? AND confirmed_at IS NULL RETURNING admin_id`)
    .bind(at, step, adminId, secretBox);
}

/** Records `step` as used: no row when it (or a later one) was used already, i.e. a replay. */
export function spendTotpStep(db: D1Database, adminId: string, step: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE admin_totp SET last_step = ?1 WHERE admin_id = ?2 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < ?1) RETURNING admin_id`,
    )
    .bind(step, adminId);
}

/** Removes the factor and its recovery codes. */
export function deleteAdminTotp(db: D1Database, adminId: string): D1PreparedStatement[] {
  return [
    db.prepare(`DELETE FROM admin_totp WHERE admin_id = ? RETURNING admin_id`).bind(adminId),
    db.prepare(`DELETE FROM admin_recovery_codes WHERE admin_id = ?`).bind(adminId),
    db.prepare(`DELETE FROM admin_mfa_challenges WHERE admin_id = ?`).bind(adminId),
  ];
}

/** The admin's recovery codes become exactly `hashes` (older ones stop working). */
export function replaceRecoveryCodes(db: D1Database, adminId: string, hashes: string[], at: string): D1PreparedStatement[] {
  return [
    db.prepare(`DELETE FROM admin_recovery_codes WHERE admin_id = ?`).bind(adminId),
    ...hashes.map((hash) => db.prepare(`INSERT INTO admin_recovery_codes (admin_id, code_hash, created_at) VALUES (?, ?, ?)`).bind(adminId, hash, at)),
  ];
}

/** Marks an unused recovery code used; true when this call spent it. */
export async function spendRecoveryCode(db: D1Database, adminId: string, hash: string, at: string): Promise<boolean> {
  const row = await db
    .prepare(`UPDATE admin_recovery_codes SET used_at = ? WHERE admin_id = ? AND code_hash = ? AND used_at IS NULL RETURNING admin_id`)
    .bind(at, adminId, hash)
    .first();
  return row !== null;
}

export interface NewAdminMfaChallenge {
  id: string;
  tokenHash: string;
  adminId: string;
  createdAt: string;
  expiresAt: string;
}

/** A new challenge; the admin's expired ones are cleared on the way (they can never be spent). */
export function insertAdminMfaChallenge(db: D1Database, ch: NewAdminMfaChallenge): D1PreparedStatement[] {
  return [
    db.prepare(`DELETE FROM admin_mfa_challenges WHERE admin_id = ? AND expires_at <= ?`).bind(ch.adminId, ch.createdAt),
    db
      .prepare(`INSERT INTO admin_mfa_challenges (id, token_hash, admin_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`)
      .bind(ch.id, ch.tokenHash, ch.adminId, ch.createdAt, ch.expiresAt),
  ];
}

export interface ChallengeAttempt {
  id: string;
  admin_id: string;
  attempts: number;
}

/**
 * Counts one attempt on a live challenge (unused, unexpired, attempts left) before its code is
 * checked; null when the token is unknown, spent, expired or out of attempts.
 */
export function attemptAdminMfaChallenge(db: D1Database, tokenHash: string, at: string, maxAttempts: number): Promise<ChallengeAttempt | null> {
  return db
    .prepare(
      `UPDATE admin_mfa_challenges SET attempts = attempts + 1
       WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? AND attempts < ? RETURNING id, admin_id, attempts`,
    )
    .bind(tokenHash, at, maxAttempts)
    .first<ChallengeAttempt>();
}

/** Spends the challenge: true for exactly one caller. */
export async function spendAdminMfaChallenge(db: D1Database, id: string, at: string): Promise<boolean> {
  return (await db.prepare(`UPDATE admin_mfa_challenges SET used_at = ? WHERE id = ? AND used_at IS NULL RETURNING id`).bind(at, id).first()) !== null;
}
