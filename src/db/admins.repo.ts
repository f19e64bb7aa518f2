// Operators of the service. Emails are unique across the whole deployment.
import { normalizeEmail } from "./users.repo";

export type Role = "owner" | "admin" | "viewer";

export interface AdminRow {
  id: string;
  email: string;
  email_normalized: string;
  display_name: string | null;
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export function findAdminByEmail(db: D1Database, email: string): Promise<AdminRow | null> {
  return db.prepare(`SELECT * FROM admins WHERE email_normalized = ?`).bind(normalizeEmail(email)).first<AdminRow>();
}

export function getAdmin(db: D1Database, id: string): Promise<AdminRow | null> {
  return db.prepare(`SELECT * FROM admins WHERE id = ?`).bind(id).first<AdminRow>();
}

export function listAdmins(db: D1Database): Promise<D1Result<AdminRow>> {
  return db.prepare(`SELECT * FROM admins ORDER BY created_at, id`).all<AdminRow>();
}

export interface NewAdmin {
  id: string;
  email: string;
  displayName: string | null;
  passwordHash: string;
  role: Role;
  createdAt: string;
}

export function insertAdmin(db: D1Database, a: NewAdmin): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admins (id, email, email_normalized, display_name, password_hash, role, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(a.id, a.email.trim(), normalizeEmail(a.email), a.displayName, a.passwordHash, a.role, a.createdAt, a.createdAt);
}

/** The bootstrap owner: inserted only while the table is empty, so concurrent first logins create one. */
export function insertFirstOwner(db: D1Database, a: Omit<NewAdmin, "role">): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admins (id, email, email_normalized, display_name, password_hash, role, created_at, updated_at)
       SELECT ?, ?, ?, ?, ?, 'owner', ?, ? WHERE NOT EXISTS (SELECT 1 FROM admins)`,
    )
    .bind(a.id, a.email.trim(), normalizeEmail(a.email), a.displayName, a.passwordHash, a.createdAt, a.createdAt);
}

export async function hasAdmins(db: D1Database): Promise<boolean> {
  return (await db.prepare(`SELECT 1 AS one FROM admins LIMIT 1`).first("one")) !== null;
}

export interface AdminChanges {
  displayName?: string | null;
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
}

/**
 * Applies `changes` unless doing so would leave no enabled owner: the guard is part of the
 * UPDATE itself, so two concurrent demotions cannot both succeed.
 */
export function updateAdmin(db: D1Database, id: string, changes: AdminChanges, at: string): D1PreparedStatement {
  const removesOwner = (changes.role !== undefined && changes.role !== "owner") || changes.disabled === true;
  return db
    .prepare(
      `UPDATE admins SET
         display_name = CASE WHEN ?1 THEN ?2 ELSE display_name END,
         role = COALESCE(?3, role),
         disabled = COALESCE(?4, disabled),
         password_hash = COALESCE(?5, password_hash),
         updated_at = ?6
       WHERE id = ?7 AND (NOT ?8 OR role != 'owner' OR disabled = 1
         OR (SELECT COUNT(*) FROM admins WHERE role = 'owner' AND disabled = 0 AND id != ?7) > 0)
       RETURNING *`,
    )
    .bind(
      changes.displayName !== undefined ? 1 : 0,
      changes.displayName ?? null,
      changes.role ?? null,
      changes.disabled === undefined ? null : changes.disabled ? 1 : 0,
      changes.passwordHash ?? null,
      at,
      id,
      removesOwner ? 1 : 0,
    );
}

/** Deletes an admin unless it is the last enabled owner. RETURNING, because D1 counts cascaded rows in `changes`. */
export function deleteAdmin(db: D1Database, id: string): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM admins WHERE id = ?1 AND (role != 'owner' OR disabled = 1
         OR (SELECT COUNT(*) FROM admins WHERE role = 'owner' AND disabled = 0 AND id != ?1) > 0)
       RETURNING id`,
    )
    .bind(id);
}

export function touchAdminLogin(db: D1Database, id: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE admins SET last_login_at = ? WHERE id = ?`).bind(at, id);
}
