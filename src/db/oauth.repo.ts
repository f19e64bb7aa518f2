// OAuth sign-in: provider settings, sign-in attempts (state), one-time codes and identity links.
// Every function takes the project id first: no query can cross tenants.
import { guard, type Guard } from "./sql";
import { normalizeEmail, type UserRow } from "./users.repo";

export type ProviderType = "oidc" | "github" | "google";
export type TokenAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

export interface OAuthProviderRow {
  project_id: string;
  slug: string;
  type: ProviderType;
  client_id: string;
  client_secret_box: string | null;
  issuer: string;
  authorization_url: string;
  token_url: string;
  jwks_uri: string | null;
  userinfo_url: string | null;
  token_auth_method: TokenAuthMethod;
  scopes: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export function listOAuthProviders(db: D1Database, projectId: string): Promise<D1Result<OAuthProviderRow>> {
  return db.prepare(`SELECT * FROM oauth_providers WHERE project_id = ? ORDER BY slug`).bind(projectId).all<OAuthProviderRow>();
}

export function getOAuthProvider(db: D1Database, projectId: string, slug: string): Promise<OAuthProviderRow | null> {
  return db.prepare(`SELECT * FROM oauth_providers WHERE project_id = ? AND slug = ?`).bind(projectId, slug).first<OAuthProviderRow>();
}

export interface ProviderSettings {
  projectId: string;
  slug: string;
  type: ProviderType;
  clientId: string;
  /** undefined keeps the stored secret. */
  clientSecretBox: string | null | undefined;
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  jwksUri: string | null;
  userinfoUrl: string | null;
  tokenAuthMethod: TokenAuthMethod;
  scopes: string[];
  enabled: boolean;
  at: string;
}

/** Creates or replaces a provider (RETURNING the row); the stored secret stays unless a new box is given. */
export function upsertOAuthProvider(db: D1Database, p: ProviderSettings): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oauth_providers (project_id, slug, type, client_id, client_secret_box, issuer, authorization_url, token_url,
         jwks_uri, userinfo_url, token_auth_method, scopes, enabled, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
       ON CONFLICT (project_id, slug) DO UPDATE SET
         type = excluded.type, client_id = excluded.client_id,
         client_secret_box = CASE WHEN ?15 THEN excluded.client_secret_box ELSE oauth_providers.client_secret_box END,
         issuer = excluded.issuer, authorization_url = excluded.authorization_url, token_url = excluded.token_url,
         jwks_uri = excluded.jwks_uri, userinfo_url = excluded.userinfo_url, token_auth_method = excluded.token_auth_method,
         scopes = excluded.scopes, enabled = excluded.enabled, updated_at = excluded.updated_at
       RETURNING *`,
    )
    .bind(
      p.projectId,
      p.slug,
      p.type,
      p.clientId,
      p.clientSecretBox ?? null,
      p.issuer,
      p.authorizationUrl,
      p.tokenUrl,
      p.jwksUri,
      p.userinfoUrl,
      p.tokenAuthMethod,
      JSON.stringify(p.scopes),
      p.enabled ? 1 : 0,
      p.at,
      p.clientSecretBox === undefined ? 0 : 1,
    );
}

/** Holds while the provider exists. */
export const providerExists = (projectId: string, slug: string): Guard =>
  guard(`SELECT 1 FROM oauth_providers WHERE project_id = ? AND slug = ?`, projectId, slug);

export function deleteOAuthProvider(db: D1Database, projectId: string, slug: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM oauth_providers WHERE project_id = ? AND slug = ? RETURNING slug`).bind(projectId, slug);
}

// ---- sign-in attempts ------------------------------------------------------------------------

export interface OAuthStateRow {
  state_hash: string;
  project_id: string;
  provider: string;
  nonce_hash: string;
  verifier_box: string;
  redirect_uri: string;
  app_state: string | null;
  code_challenge: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface NewOAuthState {
  stateHash: string;
  projectId: string;
  provider: string;
  nonceHash: string;
  verifierBox: string;
  redirectUri: string;
  appState: string | null;
  codeChallenge: string;
  createdAt: string;
  expiresAt: string;
}

export function insertOAuthState(db: D1Database, s: NewOAuthState): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO oauth_states (state_hash, project_id, provider, nonce_hash, verifier_box, redirect_uri, app_state, code_challenge, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(s.stateHash, s.projectId, s.provider, s.nonceHash, s.verifierBox, s.redirectUri, s.appState, s.codeChallenge, s.createdAt, s.expiresAt);
}

/** Marks a live state used and returns it; null when it is unknown here, already used or expired (exactly one caller wins). */
export function consumeOAuthState(db: D1Database, projectId: string, provider: string, stateHash: string, at: string): Promise<OAuthStateRow | null> {
  return db
    .prepare(
      `UPDATE oauth_states SET consumed_at = ?1
       WHERE state_hash = ?2 AND project_id = ?3 AND provider = ?4 AND consumed_at IS NULL AND expires_at > ?1
       RETURNING *`,
    )
    .bind(at, stateHash, projectId, provider)
    .first<OAuthStateRow>();
}

export function getOAuthState(db: D1Database, projectId: string, provider: string, stateHash: string): Promise<OAuthStateRow | null> {
  return db
    .prepare(`SELECT * FROM oauth_states WHERE state_hash = ? AND project_id = ? AND provider = ?`)
    .bind(stateHash, projectId, provider)
    .first<OAuthStateRow>();
}

/** Housekeeping run with each new attempt: attempts and codes past expiry (plus a day, for diagnosing replays) go. */
export function purgeExpiredOAuth(db: D1Database, before: string): D1PreparedStatement[] {
  return [db.prepare(`DELETE FROM oauth_states WHERE expires_at < ?`).bind(before), db.prepare(`DELETE FROM oauth_codes WHERE expires_at < ?`).bind(before)];
}

// ---- one-time codes --------------------------------------------------------------------------

export interface OAuthCodeRow {
  code_hash: string;
  project_id: string;
  provider: string;
  user_id: string;
  code_challenge: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
  session_id: string | null;
}

export interface NewOAuthCode {
  codeHash: string;
  projectId: string;
  provider: string;
  userId: string;
  codeChallenge: string;
  createdAt: string;
  expiresAt: string;
}

export function insertOAuthCode(db: D1Database, c: NewOAuthCode): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO oauth_codes (code_hash, project_id, provider, user_id, code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(c.codeHash, c.projectId, c.provider, c.userId, c.codeChallenge, c.createdAt, c.expiresAt);
}

/** Marks an unused code used and returns it, expired or not (the caller decides); null when unknown or already used. */
export function consumeOAuthCode(db: D1Database, projectId: string, codeHash: string, at: string): Promise<OAuthCodeRow | null> {
  return db
    .prepare(`UPDATE oauth_codes SET consumed_at = ? WHERE code_hash = ? AND project_id = ? AND consumed_at IS NULL RETURNING *`)
    .bind(at, codeHash, projectId)
    .first<OAuthCodeRow>();
}

export function getOAuthCode(db: D1Database, projectId: string, codeHash: string): Promise<OAuthCodeRow | null> {
  return db.prepare(`SELECT * FROM oauth_codes WHERE code_hash = ? AND project_id = ?`).bind(codeHash, projectId).first<OAuthCodeRow>();
}

/** Records the session a code started, so a replay of the code can end it (RFC 6749 §4.1.2). */
export function setOAuthCodeSession(db: D1Database, projectId: string, codeHash: string, sessionId: string): D1PreparedStatement {
  return db.prepare(`UPDATE oauth_codes SET session_id = ? WHERE code_hash = ? AND project_id = ?`).bind(sessionId, codeHash, projectId);
}

// ---- identities ------------------------------------------------------------------------------

export interface IdentityMatch {
  user: UserRow;
  /** Set when the user was found through an existing link (issuer, subject). */
  linked: boolean;
  /** How many provider accounts the user has linked. */
  identities: number;
}

/** The user linked to (issuer, subject), else the user with this email; null when neither exists. */
export async function findUserForIdentity(
  db: D1Database,
  projectId: string,
  issuer: string,
  subject: string,
  email: string | null,
): Promise<IdentityMatch | null> {
  const linked = await db
    .prepare(
      `SELECT u.* FROM user_identities i JOIN users u ON u.id = i.user_id AND u.project_id = i.project_id
       WHERE i.project_id = ? AND i.issuer = ? AND i.subject = ?`,
    )
    .bind(projectId, issuer, subject)
    .first<UserRow>();
  if (linked) return { user: linked, linked: true, identities: 1 };
  if (!email) return null;
  const byEmail = await db
    .prepare(
      `SELECT u.*, (SELECT COUNT(*) FROM user_identities i WHERE i.user_id = u.id) AS identities FROM users u WHERE u.project_id = ? AND u.email_normalized = ?`,
    )
    .bind(projectId, normalizeEmail(email))
    .first<UserRow & { identities: number }>();
  if (!byEmail) return null;
  const { identities, ...user } = byEmail;
  return { user, linked: false, identities };
}

export interface NewIdentity {
  projectId: string;
  issuer: string;
  subject: string;
  provider: string;
  userId: string;
  at: string;
}

export function insertIdentity(db: D1Database, i: NewIdentity): D1PreparedStatement {
  return db
    .prepare(`INSERT INTO user_identities (project_id, issuer, subject, provider, user_id, created_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(i.projectId, i.issuer, i.subject, i.provider, i.userId, i.at, i.at);
}

export function touchIdentity(db: D1Database, projectId: string, issuer: string, subject: string, at: string): D1PreparedStatement {
  return db.prepare(`UPDATE user_identities SET last_login_at = ? WHERE project_id = ? AND issuer = ? AND subject = ?`).bind(at, projectId, issuer, subject);
}

export interface IdentityRow {
  provider: string;
  issuer: string;
  subject: string;
  created_at: string;
  last_login_at: string;
}

/** A user's linked social identities, oldest link first (a user has a handful at most). */
export function listUserIdentities(db: D1Database, projectId: string, userId: string): Promise<D1Result<IdentityRow>> {
  return db
    .prepare(
      `SELECT provider, issuer, subject, created_at, last_login_at FROM user_identities WHERE project_id = ? AND user_id = ?
       ORDER BY created_at, provider LIMIT 100`,
    )
    .bind(projectId, userId)
    .all<IdentityRow>();
}
