import type { SessionUser } from "./sessions.repo";
// Projects (tenants). A project row is read on every Auth API request together with its
// active signing key, so issuing a token needs no second query.
import { containsPattern, guard, stringList, type Guard } from "./sql";

export type Environment = "development" | "staging" | "production";

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  environment: Environment;
  enabled: number;
  access_token_ttl: number;
  refresh_token_ttl: number;
  /** Absolute session lifetime in seconds, counted from login. */
  session_max_age: number;
  /** 1: access tokens carry email, email_verified and app_metadata; 0: they do not. */
  include_profile_claims: number;
  /** 'optional' or 'required' (a user without a second factor gets a restricted session). */
  mfa_policy: "optional" | "required";
  /** JSON WebAuthnSettings, or null while passkeys are off. */
  webauthn: string | null;
  /** 1: email one-time codes and magic links sign users in. */
  passwordless: number;
  /** 0: no new accounts from register, social or passwordless sign-in. */
  allow_sign_up: number;
  cors_origins: string;
  redirect_urls: string;
  rate_limits: string;
  created_at: string;
  updated_at: string;
  /** Audit rows of the project older than this many days are deleted by the retention job. */
  audit_retention_days: number;
  /** JSON Branding of the hosted sign-in page. */
  branding: string;
}

/** The origins allowed to call the project's Auth API from a browser. */
export const corsOriginsOf = (p: Pick<ProjectRow, "cors_origins">) => stringList(p.cors_origins);

/** The URLs the project's email links and OAuth sign-ins may send users back to. */
export const redirectUrlsOf = (p: Pick<ProjectRow, "redirect_urls">) => stringList(p.redirect_urls);

/** The hosted sign-in page's look (Admin API setting `branding`). */
export interface Branding {
  logoUrl?: string;
  accentColor?: string;
}

/** The project's branding, parsed here and nowhere else; unreadable or foreign fields read as absent. */
export function brandingOf(p: Pick<ProjectRow, "branding">): Branding {
  try {
    const raw: unknown = JSON.parse(p.branding);
    if (!raw || typeof raw !== "object") return {};
    const { logoUrl, accentColor } = raw as Record<string, unknown>;
    return {
      ...(typeof logoUrl === "string" ? { logoUrl } : {}),
      ...(typeof accentColor === "string" && /^#[0-9a-fA-F]{6}$/.test(accentColor) ? { accentColor } : {}),
    };
  } catch {
    return {};
  }
}

export interface WebAuthnSettings {
  rpId: string;
  rpName: string;
  origins: string[];
}

/** The project's passkey settings, parsed here and nowhere else; null when passkeys are off (or the column is unreadable). */
export function webauthnOf(p: Pick<ProjectRow, "webauthn">): WebAuthnSettings | null {
  if (!p.webauthn) return null;
  try {
    const value = JSON.parse(p.webauthn) as Partial<WebAuthnSettings>;
    if (typeof value.rpId !== "string" || typeof value.rpName !== "string" || !Array.isArray(value.origins)) return null;
    return { rpId: value.rpId, rpName: value.rpName, origins: value.origins.filter((o): o is string => typeof o === "string") };
  } catch {
    return null;
  }
}

export interface ProjectWithKey extends ProjectRow {
  key_id: string | null;
  key_box: string | null;
}

/** The read of getProjectWithKey as a statement, to share a batch (its first row is the ProjectWithKey). */
export function selectProjectWithKey(db: D1Database, projectId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT p.*, k.id AS key_id, k.private_jwk_box AS key_box
       FROM projects p LEFT JOIN signing_keys k ON k.project_id = p.id AND k.status = 'active'
       WHERE p.id = ? ORDER BY k.created_at DESC LIMIT 1`,
    )
    .bind(projectId);
}

export function getProjectWithKey(db: D1Database, projectId: string): Promise<ProjectWithKey | null> {
  return selectProjectWithKey(db, projectId).first<ProjectWithKey>();
}

/**
 * The project (with its active key) and, in the same round trip, the user of session `sessionId`
 * when that session belongs to them; `user` is null when there is no such live pairing.
 */
export async function getProjectWithSessionUser(
  db: D1Database,
  projectId: string,
  userId: string,
  sessionId: string,
): Promise<{ project: ProjectWithKey; user: SessionUser | null } | null> {
  const row = await db
    .prepare(
      `SELECT p.*, k.id AS key_id, k.private_jwk_box AS key_box,
              u.id AS u_id, u.email AS u_email, u.display_name AS u_display_name, u.email_verified AS u_email_verified,
              u.disabled AS u_disabled, u.created_at AS u_created_at, u.updated_at AS u_updated_at,
              u.last_login_at AS u_last_login_at, u.metadata AS u_metadata, u.app_metadata AS u_app_metadata, s.id AS s_id, s.revoked_at AS s_revoked_at, s.amr AS s_amr,
              (SELECT confirmed_at FROM user_totp WHERE project_id = ?1 AND user_id = u.id) AS u_totp_confirmed_at,
              (SELECT COUNT(*) FROM passkeys WHERE project_id = ?1 AND user_id = u.id) AS u_passkeys
       FROM projects p
       LEFT JOIN signing_keys k ON k.project_id = p.id AND k.status = 'active'
       LEFT JOIN users u ON u.project_id = p.id AND u.id = ?2
       LEFT JOIN sessions s ON s.id = ?3 AND s.user_id = u.id AND s.project_id = p.id
       WHERE p.id = ?1 ORDER BY k.created_at DESC LIMIT 1`,
    )
    .bind(projectId, userId, sessionId)
    .first<ProjectWithKey & Record<`u_${string}` | `s_${string}`, string | number | null>>();
  if (!row) return null;
  const {
    u_id,
    u_email,
    u_display_name,
    u_email_verified,
    u_disabled,
    u_created_at,
    u_updated_at,
    u_last_login_at,
    u_metadata,
    u_app_metadata,
    s_id,
    s_revoked_at,
    s_amr,
    u_totp_confirmed_at,
    u_passkeys,
    ...project
  } = row;
  const user: SessionUser | null =
    u_id && s_id
      ? {
          id: String(u_id),
          email: String(u_email),
          display_name: u_display_name as string | null,
          email_verified: Number(u_email_verified),
          disabled: Number(u_disabled),
          created_at: String(u_created_at),
          updated_at: String(u_updated_at),
          last_login_at: u_last_login_at as string | null,
          metadata: String(u_metadata),
          app_metadata: String(u_app_metadata),
          session_revoked_at: s_revoked_at as string | null,
          session_amr: String(s_amr),
          totp_confirmed_at: u_totp_confirmed_at as string | null,
          passkeys: Number(u_passkeys),
        }
      : null;
  return { project: project as ProjectWithKey, user };
}

export interface NewProject {
  id: string;
  name: string;
  description: string;
  environment: Environment;
  createdAt: string;
  branding?: Branding;
}

export function insertProject(db: D1Database, p: NewProject): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO projects (id, name, description, environment, created_at, updated_at, branding)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    )
    .bind(p.id, p.name, p.description, p.environment, p.createdAt, p.createdAt, JSON.stringify(p.branding ?? {}));
}

export function getProject(db: D1Database, projectId: string): Promise<ProjectRow | null> {
  return db.prepare(`SELECT * FROM projects WHERE id = ?`).bind(projectId).first<ProjectRow>();
}

export interface ProjectListFilters {
  environment?: Environment;
  enabled?: boolean;
  search?: string;
  /** Keyset position: only rows strictly after this (created_at, id), newest first. */
  after?: { createdAt: string; id: string } | null;
  limit: number;
}

/** One page of projects, newest first, on index projects_created; fetches limit + 1 to tell whether a next page exists. */
export function listProjects(db: D1Database, f: ProjectListFilters): Promise<D1Result<ProjectRow>> {
  const where: string[] = [];
  const bindings: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    bindings.push(...values);
  };
  if (f.environment) add("environment = ?", f.environment);
  if (f.enabled !== undefined) add("enabled = ?", f.enabled ? 1 : 0);
  if (f.search) {
    const pattern = containsPattern(f.search);
    add(`(id LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\')`, pattern, pattern);
  }
  if (f.after) add("(created_at, id) < (?, ?)", f.after.createdAt, f.after.id);
  const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
  return db
    .prepare(`SELECT * FROM projects ${clause} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...bindings, f.limit + 1)
    .all<ProjectRow>();
}

export interface ProjectChanges {
  name?: string;
  description?: string;
  environment?: Environment;
  enabled?: boolean;
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  sessionMaxAge?: number;
  includeProfileClaims?: boolean;
  corsOrigins?: string[];
  redirectUrls?: string[];
  rateLimits?: Record<string, unknown>;
  mfa?: "optional" | "required";
  /** null turns passkeys off. */
  webauthn?: WebAuthnSettings | null;
  passwordless?: boolean;
  allowSignUp?: boolean;
  auditRetentionDays?: number;
  /** Merged into the stored branding: a string sets a field, null clears it, absent keeps it. */
  branding?: { [K in keyof Branding]?: string | null };
}

/**
 * Applies the given changes and returns the row, or nothing when the project is gone or the
 * result would break refresh_token_ttl > access_token_ttl (checked here, so two PATCHes cannot race past it).
 */
export function updateProject(db: D1Database, projectId: string, changes: ProjectChanges, at: string): D1PreparedStatement {
  const json = (list: string[] | undefined) => (list === undefined ? null : JSON.stringify(list));
  const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
  return db
    .prepare(
      `UPDATE projects SET
         name = COALESCE(?1, name),
         description = COALESCE(?2, description),
         environment = COALESCE(?3, environment),
         enabled = COALESCE(?4, enabled),
         access_token_ttl = COALESCE(?5, access_token_ttl),
         refresh_token_ttl = COALESCE(?6, refresh_token_ttl),
         cors_origins = COALESCE(?7, cors_origins),
         redirect_urls = COALESCE(?8, redirect_urls),
         rate_limits = COALESCE(?11, rate_limits),
         session_max_age = COALESCE(?12, session_max_age),
         include_profile_claims = COALESCE(?13, include_profile_claims),
         mfa_policy = COALESCE(?14, mfa_policy),
         webauthn = CASE WHEN ?15 IS NULL THEN webauthn WHEN ?15 = 'null' THEN NULL ELSE ?15 END,
         passwordless = COALESCE(?16, passwordless),
         allow_sign_up = COALESCE(?17, allow_sign_up),
         audit_retention_days = COALESCE(?18, audit_retention_days),
         branding = CASE WHEN ?19 IS NULL THEN branding ELSE json_patch(branding, ?19) END,
         updated_at = ?9
       WHERE id = ?10 AND COALESCE(?6, refresh_token_ttl) > COALESCE(?5, access_token_ttl)
       RETURNING *`,
    )
    .bind(
      changes.name ?? null,
      changes.description ?? null,
      changes.environment ?? null,
      flag(changes.enabled),
      changes.accessTokenTtl ?? null,
      changes.refreshTokenTtl ?? null,
      json(changes.corsOrigins),
      json(changes.redirectUrls),
      at,
      projectId,
      changes.rateLimits === undefined ? null : JSON.stringify(changes.rateLimits),
      changes.sessionMaxAge ?? null,
      flag(changes.includeProfileClaims),
      changes.mfa ?? null,
      changes.webauthn === undefined ? null : JSON.stringify(changes.webauthn),
      flag(changes.passwordless),
      flag(changes.allowSignUp),
      changes.auditRetentionDays ?? null,
      // RFC 7396 merge patch: null removes a field.
      changes.branding === undefined ? null : JSON.stringify(changes.branding),
    );
}

/** Holds while the project exists. */
export const projectExists = (projectId: string): Guard => guard(`SELECT 1 FROM projects WHERE id = ?`, projectId);

/** Holds when the project's last change is the one stamped `at` (updateProject applied). */
export const projectUpdatedAt = (projectId: string, at: string): Guard => guard(`SELECT 1 FROM projects WHERE id = ? AND updated_at = ?`, projectId, at);

/** Deletes the project; its users, sessions, refresh tokens and signing keys go with it (ON DELETE CASCADE). */
export function deleteProject(db: D1Database, projectId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM projects WHERE id = ? RETURNING id`).bind(projectId);
}
