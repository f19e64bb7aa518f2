// A user's TOTP factor (secret sealed at rest) and recovery codes (SHA-256 at rest), migration 0008.
// Every acceptance of a code is a conditional UPDATE that also stamps a random id (`use`), so a
// later statement of the same batch can depend on exactly this acceptance (`totpAcceptedBy`).
import { andExists, guard, type Guard } from "./sql";

export interface TotpRow {
  project_id: string;
  user_id: string;
  secret_box: string;
  created_at: string;
  confirmed_at: string | null;
  last_step: number | null;
}

export function getTotp(db: D1Database, projectId: string, userId: string): Promise<TotpRow | null> {
  return db
    .prepare(`SELECT project_id, user_id, secret_box, created_at, confirmed_at, last_step FROM user_totp WHERE project_id = ? AND user_id = ?`)
    .bind(projectId, userId)
    .first<TotpRow>();
}

/** A new pending enrollment, replacing a pending one; a confirmed factor is left alone (changes = 0). */
export function upsertPendingTotp(db: D1Database, projectId: string, userId: string, secretBox: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO user_totp (project_id, user_id, secret_box, created_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (project_id, user_id) DO UPDATE SET secret_box = ?3, created_at = ?4, last_step = NULL, last_use = NULL
       WHERE user_totp.confirmed_at IS NULL`,
    )
    .bind(projectId, userId, secretBox, at);
}

/**
 * Accepts `step` for the user's factor (confirmed, or pending when `pending`): only a step after the
 * last accepted one, so each code works once; with `onlyIf`, only when that holds too.
 */
export function acceptTotpStep(
  db: D1Database,
  a: { projectId: string; userId: string; step: number; use: string; pending?: boolean; confirmAt?: string },
  onlyIf?: Guard,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE user_totp SET last_step = ?, last_use = ?, confirmed_at = COALESCE(confirmed_at, ?)
       WHERE project_id = ? AND user_id = ? AND (last_step IS NULL OR last_step < ?)
         AND ${a.pending ? "confirmed_at IS NULL" : "confirmed_at IS NOT NULL"}${andExists(onlyIf)}`,
    )
    .bind(a.step, a.use, a.confirmAt ?? null, a.projectId, a.userId, a.step, ...(onlyIf?.bindings ?? []));
}

/** Holds when the acceptance stamped `use` happened (in this batch). */
export const totpAcceptedBy = (projectId: string, userId: string, use: string): Guard =>
  guard(`SELECT 1 FROM user_totp WHERE project_id = ? AND user_id = ? AND last_use = ?`, projectId, userId, use);

/**
 * Turns TOTP off: the factor (with `onlyIf`, only when that holds; RETURNING it when deleted), then
 * the recovery codes, which mean nothing without it.
 */
export function deleteTotp(db: D1Database, projectId: string, userId: string, onlyIf?: Guard): D1PreparedStatement[] {
  return [
    db
      .prepare(`DELETE FROM user_totp WHERE project_id = ? AND user_id = ?${andExists(onlyIf)} RETURNING user_id`)
      .bind(projectId, userId, ...(onlyIf?.bindings ?? [])),
    db
      .prepare(
        `DELETE FROM recovery_codes WHERE project_id = ?1 AND user_id = ?2
           AND NOT EXISTS (SELECT 1 FROM user_totp WHERE project_id = ?1 AND user_id = ?2 AND confirmed_at IS NOT NULL)`,
      )
      .bind(projectId, userId),
  ];
}

/** Replaces the user's recovery codes with `hashes` (with `onlyIf`, only when that holds). */
export function replaceRecoveryCodes(db: D1Database, projectId: string, userId: string, hashes: string[], at: string, onlyIf?: Guard): D1PreparedStatement[] {
  const bindings = onlyIf?.bindings ?? [];
  return [
    db.prepare(`DELETE FROM recovery_codes WHERE project_id = ? AND user_id = ?${andExists(onlyIf)}`).bind(projectId, userId, ...bindings),
    ...hashes.map((hash) =>
      db
        .prepare(`INSERT INTO recovery_codes (project_id, user_id, code_hash, created_at) SELECT ?, ?, ?, ? WHERE 1${andExists(onlyIf)}`)
        .bind(projectId, userId, hash, at, ...bindings),
    ),
  ];
}

/** Spends one unused recovery code of the user (by hash), stamping `use`; with `onlyIf`, only when that holds. */
export function spendRecoveryCode(
  db: D1Database,
  r: { projectId: string; userId: string; codeHash: string; use: string; at: string },
  onlyIf?: Guard,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE recovery_codes SET used_at = ?, used_by = ?
       WHERE project_id = ? AND user_id = ? AND code_hash = ? AND used_at IS NULL${andExists(onlyIf)}`,
    )
    .bind(r.at, r.use, r.projectId, r.userId, r.codeHash, ...(onlyIf?.bindings ?? []));
}

/** Holds when the spend stamped `use` happened (in this batch). */
export const recoveryCodeSpentBy = (projectId: string, userId: string, use: string): Guard =>
  guard(`SELECT 1 FROM recovery_codes WHERE project_id = ? AND user_id = ? AND used_by = ?`, projectId, userId, use);

/** Everything a view of the user's factors needs, in one query (/me, the Admin API). */
export interface FactorSummary {
  totp_confirmed_at: string | null;
  recovery_codes_left: number;
  passkeys: number;
}

export function factorSummary(db: D1Database, projectId: string, userId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT (SELECT confirmed_at FROM user_totp WHERE project_id = ?1 AND user_id = ?2) AS totp_confirmed_at,
              (SELECT COUNT(*) FROM recovery_codes WHERE project_id = ?1 AND user_id = ?2 AND used_at IS NULL) AS recovery_codes_left,
              (SELECT COUNT(*) FROM passkeys WHERE project_id = ?1 AND user_id = ?2) AS passkeys`,
    )
    .bind(projectId, userId);
}

export async function getFactorSummary(db: D1Database, projectId: string, userId: string): Promise<FactorSummary> {
  return (await factorSummary(db, projectId, userId).first<FactorSummary>()) ?? { totp_confirmed_at: null, recovery_codes_left: 0, passkeys: 0 };
}
