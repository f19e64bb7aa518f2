// Passkeys (WebAuthn credentials) and their ceremony challenges (migration 0007).
import { guard, type Guard } from "./sql";

export interface PasskeyRow {
  id: string;
  project_id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  device_type: "singleDevice" | "multiDevice";
  backed_up: number;
  aaguid: string | null;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** The transports column (a JSON list), parsed here and nowhere else; anything unreadable reads as none. */
export function transportsOf(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

/** How many passkeys the user has (a passkey is a second factor). */
export async function countUserPasskeys(db: D1Database, projectId: string, userId: string): Promise<number> {
  const row = await db.prepare(`SELECT COUNT(*) AS n FROM passkeys WHERE project_id = ? AND user_id = ?`).bind(projectId, userId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Removes every passkey of the user (an admin's factor reset). */
export function deleteUserPasskeys(db: D1Database, projectId: string, userId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM passkeys WHERE project_id = ? AND user_id = ?`).bind(projectId, userId);
}

export interface NewPasskey {
  id: string;
  projectId: string;
  userId: string;
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  aaguid: string | null;
  name: string;
  createdAt: string;
}

/** The user's passkeys, oldest first (the list is short: one per device or password manager). */
export function listUserPasskeys(db: D1Database, projectId: string, userId: string): Promise<D1Result<PasskeyRow>> {
  return db.prepare(`SELECT * FROM passkeys WHERE project_id = ? AND user_id = ? ORDER BY created_at, id`).bind(projectId, userId).all<PasskeyRow>();
}

/** The passkey with this credential id in this project only: a credential never signs in to another tenant. */
export function findPasskeyByCredential(db: D1Database, projectId: string, credentialId: string): Promise<PasskeyRow | null> {
  return db.prepare(`SELECT * FROM passkeys WHERE project_id = ? AND credential_id = ?`).bind(projectId, credentialId).first<PasskeyRow>();
}

/** Stores a verified passkey; RETURNING gives the stored row (a taken credential id fails UNIQUE). */
export function insertPasskey(db: D1Database, p: NewPasskey): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO passkeys (id, project_id, user_id, credential_id, public_key, counter, transports, device_type, backed_up, aaguid, name, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(
      p.id,
      p.projectId,
      p.userId,
      p.credentialId,
      p.publicKey,
      p.counter,
      JSON.stringify(p.transports),
      p.deviceType,
      p.backedUp ? 1 : 0,
      p.aaguid,
      p.name,
      p.createdAt,
    );
}

/**
 * Records a sign-in with the passkey. Guarded on the counter read before verification: a counter
 * that did not move forward (when either is non-zero) changes nothing, and failIfUnchanged() then
 * aborts the batch, so two assertions racing with one counter value cannot both start a session.
 */
export function usePasskey(
  db: D1Database,
  p: { projectId: string; id: string; counter: number; backedUp: boolean; at: string; seenCounter: number },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE passkeys SET counter = ?3, backed_up = ?4, last_used_at = ?5
       WHERE project_id = ?1 AND id = ?2 AND counter = ?6 AND (?3 > counter OR (?3 = 0 AND counter = 0))`,
    )
    .bind(p.projectId, p.id, p.counter, p.backedUp ? 1 : 0, p.at, p.seenCounter);
}

/** Fails (rolling back its batch) when the statement just before it changed no row. */
export function failIfUnchanged(db: D1Database): D1PreparedStatement {
  // json() of a non-JSON text raises; changes() is not constant, so it is evaluated only here.
  return db.prepare(`SELECT json(CASE WHEN changes() = 0 THEN 'guard failed: no row changed' ELSE '0' END)`);
}

export function renamePasskey(db: D1Database, projectId: string, userId: string, id: string, name: string): Promise<PasskeyRow | null> {
  return db
    .prepare(`UPDATE passkeys SET name = ? WHERE project_id = ? AND user_id = ? AND id = ? RETURNING *`)
    .bind(name, projectId, userId, id)
    .first<PasskeyRow>();
}

/** Guard: the passkey is the user's (for an audit row written in the batch that removes it). */
export const userPasskeyExists = (projectId: string, userId: string, id: string): Guard =>
  guard(`SELECT 1 FROM passkeys WHERE project_id = ? AND user_id = ? AND id = ?`, projectId, userId, id);

export function deletePasskey(db: D1Database, projectId: string, userId: string, id: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM passkeys WHERE project_id = ? AND user_id = ? AND id = ? RETURNING id`).bind(projectId, userId, id);
}

// ---- Ceremony challenges ----

export function insertChallenge(
  db: D1Database,
  ch: { id: string; projectId: string; userId: string | null; purpose: "register" | "login"; challenge: string; createdAt: string; expiresAt: string },
): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO webauthn_challenges (id, project_id, user_id, purpose, challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(ch.id, ch.projectId, ch.userId, ch.purpose, ch.challenge, ch.createdAt, ch.expiresAt);
}

/** Deletes up to `limit` expired challenges of the project (each new ceremony tidies up after old ones). */
export function sweepExpiredChallenges(db: D1Database, projectId: string, before: string, limit: number): D1PreparedStatement {
  return db
    .prepare(`DELETE FROM webauthn_challenges WHERE id IN (SELECT id FROM webauthn_challenges WHERE expires_at < ?2 AND project_id = ?1 LIMIT ?3)`)
    .bind(projectId, before, limit);
}

/**
 * Spends the user's live registration challenge with this value: one conditional UPDATE, so of
 * two verifies of one challenge exactly one gets it. Null when unknown, expired or already used.
 */
export function spendRegisterChallenge(db: D1Database, projectId: string, userId: string, challenge: string, at: string): Promise<{ id: string } | null> {
  return db
    .prepare(
      `UPDATE webauthn_challenges SET used_at = ?4
       WHERE project_id = ?1 AND user_id = ?2 AND purpose = 'register' AND challenge = ?3 AND used_at IS NULL AND expires_at > ?4
       RETURNING id`,
    )
    .bind(projectId, userId, challenge, at)
    .first<{ id: string }>();
}

/** Spends a live sign-in challenge by id (single use, as above); its value, or null. */
export function spendLoginChallenge(db: D1Database, projectId: string, id: string, at: string): Promise<{ challenge: string } | null> {
  return db
    .prepare(
      `UPDATE webauthn_challenges SET used_at = ?3
       WHERE project_id = ?1 AND id = ?2 AND purpose = 'login' AND used_at IS NULL AND expires_at > ?3
       RETURNING challenge`,
    )
    .bind(projectId, id, at)
    .first<{ challenge: string }>();
}
