import { andExists, containsPattern, guard, type Guard } from "./sql";
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
  /** JSON object the user writes (PATCH /me). */
  metadata: string;
  /** JSON object only admins write; it goes into access tokens. */
  app_metadata: string;
}

/** A metadata column, parsed here and nowhere else; anything but a JSON object reads as empty. */
export function metadataOf(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function findUserByEmail(db: D1Database, projectId: string, email: string): Promise<UserRow | null> {
  return db.prepare(`SELECT * FROM users WHERE project_id = ? AND email_normalized = ?`).bind(projectId, normalizeEmail(email)).first<UserRow>();
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

/** Inserts the user (only if `when` holds, when given) and returns the row. */
export function insertUser(db: D1Database, u: NewUser, when?: Guard): D1PreparedStatement {
  const values = when ? `SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (${when.sql})` : "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return db
    .prepare(
      `INSERT INTO users (id, project_id, email, email_normalized, display_name, password_hash, email_verified, created_at, updated_at)
       ${values} RETURNING *`,
    )
    .bind(
      u.id,
      u.projectId,
      u.email.trim(),
      normalizeEmail(u.email),
      u.displayName,
      u.passwordHash,
      u.emailVerified ? 1 : 0,
      u.createdAt,
      u.createdAt,
      ...(when?.bindings ?? []),
    );
}

/** What a user may change about themselves; a field left undefined keeps its value. */
export interface ProfileChanges {
  displayName?: string | null;
  metadata?: Record<string, unknown>;
}

export function updateProfile(db: D1Database, projectId: string, userId: string, changes: ProfileChanges, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE users SET display_name = CASE WHEN ?1 THEN ?2 ELSE display_name END, metadata = COALESCE(?3, metadata), updated_at = ?4
       WHERE project_id = ?5 AND id = ?6 RETURNING *`,
    )
    .bind(
      changes.displayName !== undefined ? 1 : 0,
      changes.displayName ?? null,
      changes.metadata === undefined ? null : JSON.stringify(changes.metadata),
      at,
      projectId,
      userId,
    );
}

export function setPasswordHash(db: D1Database, projectId: string, userId: string, hash: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE users SET password_hash = ?, updated_at = ? WHERE project_id = ? AND id = ?`).bind(hash, at, projectId, userId);
}

/** A password set through a reset link, if `when` holds: the link proved control of the mailbox, so the email counts as verified. */
export function setResetPassword(db: D1Database, projectId: string, userId: string, hash: string, at: string, when: Guard): D1PreparedStatement {
  return db
    .prepare(`UPDATE users SET password_hash = ?, email_verified = 1, updated_at = ? WHERE project_id = ? AND id = ?${andExists(when)}`)
    .bind(hash, at, projectId, userId, ...when.bindings);
}

/**
 * Marks the email verified (if `when` holds, when given) and returns the row; it only ever raises
 * the flag, and updated_at moves only when the flag does.
 */
export function markEmailVerified(db: D1Database, projectId: string, userId: string, at: string, when?: Guard): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE users SET email_verified = 1, updated_at = CASE WHEN email_verified = 0 THEN ? ELSE updated_at END
       WHERE project_id = ? AND id = ?${andExists(when)} RETURNING *`,
    )
    .bind(at, projectId, userId, ...(when?.bindings ?? []));
}

export function touchLogin(db: D1Database, projectId: string, userId: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE users SET last_login_at = ? WHERE project_id = ? AND id = ?`).bind(at, projectId, userId);
}

export interface UserListFilters {
  search?: string;
  status?: "active" | "disabled";
  /** Keyset position: only rows strictly after this (created_at, id), newest first. */
  after?: { createdAt: string; id: string } | null;
  limit: number;
}

/** The SQL of one page of a project's users, newest first: a range seek on users_project_created (no OFFSET, no COUNT). */
export function listUsersQuery(projectId: string, f: UserListFilters): { sql: string; bindings: unknown[] } {
  const where = ["project_id = ?"];
  const bindings: unknown[] = [projectId];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    bindings.push(...values);
  };
  if (f.search) {
    const pattern = containsPattern(f.search.toLowerCase());
    add(`(email_normalized LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')`, pattern, pattern);
  }
  if (f.status) add("disabled = ?", f.status === "disabled" ? 1 : 0);
  // A row-value comparison is one range seek on the index; the equivalent OR is not.
  if (f.after) add("(created_at, id) < (?, ?)", f.after.createdAt, f.after.id);
  return { sql: `SELECT * FROM users WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`, bindings: [...bindings, f.limit + 1] };
}

/** One page (plus one row, to tell whether another page follows) of a project's users. */
export function listUsers(db: D1Database, projectId: string, f: UserListFilters): Promise<D1Result<UserRow>> {
  const { sql, bindings } = listUsersQuery(projectId, f);
  return db
    .prepare(sql)
    .bind(...bindings)
    .all<UserRow>();
}

export interface UserChanges {
  email?: string;
  displayName?: string | null;
  emailVerified?: boolean;
  disabled?: boolean;
  passwordHash?: string;
  metadata?: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
}

/**
 * Applies the given changes and returns the row. A new email (by normalized value) resets
 * email_verified unless `emailVerified` is given too, decided in SQL so it cannot race.
 */
export function updateUser(db: D1Database, projectId: string, userId: string, changes: UserChanges, at: string): D1PreparedStatement {
  const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
  const json = (value: Record<string, unknown> | undefined) => (value === undefined ? null : JSON.stringify(value));
  return db
    .prepare(
      `UPDATE users SET
         email = COALESCE(?1, email),
         email_normalized = COALESCE(?2, email_normalized),
         display_name = CASE WHEN ?3 THEN ?4 ELSE display_name END,
         email_verified = COALESCE(?5, CASE WHEN ?2 IS NOT NULL AND ?2 != email_normalized THEN 0 ELSE email_verified END),
         disabled = COALESCE(?6, disabled),
         password_hash = COALESCE(?7, password_hash),
         metadata = COALESCE(?11, metadata),
         app_metadata = COALESCE(?12, app_metadata),
         updated_at = ?8
       WHERE project_id = ?9 AND id = ?10
       RETURNING *`,
    )
    .bind(
      changes.email?.trim() ?? null,
      changes.email === undefined ? null : normalizeEmail(changes.email),
      changes.displayName !== undefined ? 1 : 0,
      changes.displayName ?? null,
      flag(changes.emailVerified),
      flag(changes.disabled),
      changes.passwordHash ?? null,
      at,
      projectId,
      userId,
      json(changes.metadata),
      json(changes.appMetadata),
    );
}

/**
 * Deletes a user; their sessions and refresh tokens go with it (FK cascade). The returned
 * row, not meta.changes (which D1 inflates with cascaded rows), tells whether it hit.
 */
export function deleteUser(db: D1Database, projectId: string, userId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM users WHERE project_id = ? AND id = ? RETURNING id`).bind(projectId, userId);
}

/** Holds while the user exists. */
export const userExists = (projectId: string, userId: string): Guard => guard(`SELECT 1 FROM users WHERE project_id = ? AND id = ?`, projectId, userId);

// ---- Import (POST …/users/import) ----

export interface ImportedUser {
  id: string;
  projectId: string;
  email: string;
  displayName: string | null;
  passwordHash: string | null;
  emailVerified: boolean;
  disabled: boolean;
  metadata: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** Inserts the user unless the project already has the email (then nothing, and no row returned): imports are idempotent by email. */
export function insertImportedUser(db: D1Database, u: ImportedUser): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO users (id, project_id, email, email_normalized, display_name, password_hash, email_verified, disabled, metadata, app_metadata, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, email_normalized) DO NOTHING RETURNING id`,
    )
    .bind(
      u.id,
      u.projectId,
      u.email.trim(),
      normalizeEmail(u.email),
      u.displayName,
      u.passwordHash,
      u.emailVerified ? 1 : 0,
      u.disabled ? 1 : 0,
      JSON.stringify(u.metadata),
      JSON.stringify(u.appMetadata),
      u.createdAt,
      u.updatedAt,
    );
}

/** Which of these normalized emails the project already has (at most 90 per call: D1 binds at most 100 values). */
export async function existingEmails(db: D1Database, projectId: string, normalized: string[]): Promise<Set<string>> {
  if (normalized.length === 0) return new Set();
  const { results } = await db
    .prepare(`SELECT email_normalized FROM users WHERE project_id = ? AND email_normalized IN (${normalized.map(() => "?").join(", ")})`)
    .bind(projectId, ...normalized)
    .all<{ email_normalized: string }>();
  return new Set(results.map((r) => r.email_normalized));
}
