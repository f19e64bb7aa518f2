import type { NewSigningKey, PublicJwk } from "../crypto/keys";

export function insertSigningKey(db: D1Database, projectId: string, key: NewSigningKey, createdAt: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO signing_keys (id, project_id, alg, public_jwk, private_jwk_box, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'active', ?)`,
    )
    .bind(key.kid, projectId, key.publicJwk.alg, JSON.stringify(key.publicJwk), key.privateBox, createdAt);
}

export interface VerificationKeyRow {
  public_jwk: string;
  status: "active" | "retired";
  verify_until: string | null;
}

/** A key of this project that may still verify tokens, or null. */
export function getVerificationKey(db: D1Database, projectId: string, kid: string): Promise<VerificationKeyRow | null> {
  return db
    .prepare(`SELECT public_jwk, status, verify_until FROM signing_keys WHERE project_id = ? AND id = ?`)
    .bind(projectId, kid)
    .first<VerificationKeyRow>();
}

export interface VerificationKeys {
  keys: PublicJwk[];
  /** When the first of the listed retired keys stops verifying (epoch ms; Infinity when none will). */
  changesAt: number;
}

/** Public keys that verify tokens now: the active key and retired keys whose tokens may still live. */
export async function listVerificationKeys(db: D1Database, projectId: string, nowIso: string): Promise<VerificationKeys> {
  const { results } = await db
    .prepare(
      `SELECT public_jwk, CASE WHEN status = 'active' THEN NULL ELSE verify_until END AS until FROM signing_keys
       WHERE project_id = ? AND (status = 'active' OR verify_until > ?)
       ORDER BY created_at DESC`,
    )
    .bind(projectId, nowIso)
    .all<{ public_jwk: string; until: string | null }>();
  return {
    keys: results.map((r) => JSON.parse(r.public_jwk) as PublicJwk),
    changesAt: Math.min(Infinity, ...results.map((r) => (r.until ? Date.parse(r.until) : Infinity))),
  };
}

export interface SigningKeyRow {
  id: string;
  alg: string;
  public_jwk: string;
  status: "active" | "retired";
  created_at: string;
  retired_at: string | null;
  verify_until: string | null;
}

/** Every key of the project, newest first; never selects the sealed private half. */
export async function listSigningKeys(db: D1Database, projectId: string): Promise<SigningKeyRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, alg, public_jwk, status, created_at, retired_at, verify_until FROM signing_keys
       WHERE project_id = ? ORDER BY created_at DESC, id DESC`,
    )
    .bind(projectId)
    .all<SigningKeyRow>();
  return results;
}

/** Retires the project's active key(s); they keep verifying (and stay in JWKS) until `verifyUntil`. */
export function retireActiveKeys(db: D1Database, projectId: string, at: string, verifyUntil: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE signing_keys SET status = 'retired', retired_at = ?, verify_until = ? WHERE project_id = ? AND status = 'active'`)
    .bind(at, verifyUntil, projectId);
}

/** SQLite's answer to a key for a project that no longer exists. */
export const isForeignKeyViolation = (err: unknown) => String((err as Error)?.message ?? err).includes("FOREIGN KEY constraint failed");
