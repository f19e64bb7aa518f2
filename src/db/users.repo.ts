// End users of a project. Every function takes the project id: no query can cross tenants.
export interface UserRow {
  id: string;
  project_id: string;
  email: string;
  email_normalized: string;
  display_name: string | null;
  password_hash: string | null;
  email_verified: number;
  disabled: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function findUserByEmail(db: D1Database, projectId: string, email: string): Promise<UserRow | null> {
  return db
    .prepare(`SELECT * FROM users WHERE project_id = ? AND email_normalized = ?`)
    .bind(projectId, normalizeEmail(email))
    .first<UserRow>();
}

export function getUser(db: D1Database, projectId: string, userId: string): Promise<UserRow | null> {
  return db.prepare(`SELECT * FROM users WHERE project_id = ? AND id = ?`).bind(projectId, userId).first<UserRow>();
}

export interface NewUser {
  id: string;
  projectId: string;
  email: string;
  displayName: string | null;
  passwordHash: string | null;
  emailVerified?: boolean;
  createdAt: string;
}

export function insertUser(db: D1Database, u: NewUser): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO users (id, project_id, email, email_normalized, display_name, password_hash, email_verified, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(u.id, u.projectId, u.email.trim(), normalizeEmail(u.email), u.displayName, u.passwordHash, u.emailVerified ? 1 : 0, u.createdAt, u.createdAt);
}

/** SQLite's answer to a second row with the same (project_id, email_normalized). */
export const isUniqueViolation = (err: unknown) => String((err as Error)?.message ?? err).includes("UNIQUE constraint failed");

export function updateProfile(db: D1Database, projectId: string, userId: string, displayName: string | null, at: string): Promise<UserRow | null> {
  return db
    .prepare(`UPDATE users SET display_name = ?, updated_at = ? WHERE project_id = ? AND id = ? RETURNING *`)
    .bind(displayName, at, projectId, userId)
    .first<UserRow>();
}

export function setPasswordHash(db: D1Database, projectId: string, userId: string, hash: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE users SET password_hash = ?, updated_at = ? WHERE project_id = ? AND id = ?`).bind(hash, at, projectId, userId);
}

export function touchLogin(db: D1Database, projectId: string, userId: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE users SET last_login_at = ? WHERE project_id = ? AND id = ?`).bind(at, projectId, userId);
}
