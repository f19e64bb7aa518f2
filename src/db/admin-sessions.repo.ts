// Admin sessions: opaque tokens stored as SHA-256, with idle and absolute expiry.
import type { AdminRow } from "./admins.repo";

export interface NewAdminSession {
  id: string;
  tokenHash: string;
  adminId: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  expiresAt: string;
}

export function insertAdminSession(db: D1Database, s: NewAdminSession): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admin_sessions (id, token_hash, admin_id, ip, user_agent, created_at, last_used_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(s.id, s.tokenHash, s.adminId, s.ip, s.userAgent, s.createdAt, s.createdAt, s.expiresAt);
}

export interface AdminSessionState {
  session_id: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
  admin: AdminRow;
  /** Whether a confirmed TOTP factor guards the admin's login (read in the same query: GET /me stays one D1 call). */
  totp: boolean;
}

export async function findAdminSession(db: D1Database, tokenHash: string): Promise<AdminSessionState | null> {
  const row = await db
    .prepare(
      `SELECT s.id AS session_id, s.last_used_at, s.expires_at, s.revoked_at,
         EXISTS (SELECT 1 FROM admin_totp t WHERE t.admin_id = a.id AND t.confirmed_at IS NOT NULL) AS totp, a.*
       FROM admin_sessions s JOIN admins a ON a.id = s.admin_id WHERE s.token_hash = ?`,
    )
    .bind(tokenHash)
    .first<AdminRow & { session_id: string; last_used_at: string; expires_at: string; revoked_at: string | null; totp: number }>();
  if (!row) return null;
  const { session_id, last_used_at, expires_at, revoked_at, totp, ...admin } = row;
  return { session_id, last_used_at, expires_at, revoked_at, admin, totp: totp === 1 };
}

export function touchAdminSession(db: D1Database, sessionId: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE admin_sessions SET last_used_at = ? WHERE id = ?`).bind(at, sessionId);
}

export function revokeAdminSession(db: D1Database, sessionId: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE admin_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`).bind(at, sessionId);
}

/** Ends every session of an admin, optionally sparing one (the caller's). */
export function revokeAdminSessions(db: D1Database, adminId: string, at: string, exceptSessionId = ""): D1PreparedStatement {
  return db.prepare(`UPDATE admin_sessions SET revoked_at = ? WHERE admin_id = ? AND revoked_at IS NULL AND id != ?`).bind(at, adminId, exceptSessionId);
}

/** Ends every session of an admin who is (now) disabled; a no-op when the disable was refused. */
export function revokeSessionsIfDisabled(db: D1Database, adminId: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE admin_sessions SET revoked_at = ?1 WHERE admin_id = ?2 AND revoked_at IS NULL
         AND EXISTS (SELECT 1 FROM admins WHERE id = ?2 AND disabled = 1)`,
    )
    .bind(at, adminId);
}
