// The project's own OAuth/OIDC clients (apps that sign users in through the hosted page).
// Secrets are stored only as SHA-256; every function takes the project id first.
import { guard, stringList, type Guard } from "./sql";

export type ClientType = "public" | "confidential";

export interface OAuthClientRow {
  client_id: string;
  project_id: string;
  name: string;
  type: ClientType;
  first_party: number;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  secret_hash: string | null;
  previous_secret_hash: string | null;
  previous_secret_until: string | null;
  created_at: string;
  updated_at: string;
}

export const redirectUrisOf = (c: Pick<OAuthClientRow, "redirect_uris">) => stringList(c.redirect_uris);
export const postLogoutUrisOf = (c: Pick<OAuthClientRow, "post_logout_redirect_uris">) => stringList(c.post_logout_redirect_uris);

export interface NewOAuthClient {
  clientId: string;
  projectId: string;
  name: string;
  type: ClientType;
  firstParty: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  secretHash: string | null;
  at: string;
}

/** Inserts the client; with `max`, only while the project has fewer clients (no row returned otherwise). */
export function insertOAuthClient(db: D1Database, c: NewOAuthClient, max?: number): D1PreparedStatement {
  // The count is checked in the INSERT itself, so two concurrent creations cannot both pass it.
  return db
    .prepare(
      `INSERT INTO oauth_clients (client_id, project_id, name, type, first_party, redirect_uris, post_logout_redirect_uris, secret_hash, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9
       WHERE ?10 IS NULL OR (SELECT COUNT(*) FROM oauth_clients WHERE project_id = ?2) < ?10 RETURNING *`,
    )
    .bind(
      c.clientId,
      c.projectId,
      c.name,
      c.type,
      c.firstParty ? 1 : 0,
      JSON.stringify(c.redirectUris),
      JSON.stringify(c.postLogoutRedirectUris),
      c.secretHash,
      c.at,
      max ?? null,
    );
}

export function getOAuthClient(db: D1Database, projectId: string, clientId: string): Promise<OAuthClientRow | null> {
  return db.prepare(`SELECT * FROM oauth_clients WHERE project_id = ? AND client_id = ?`).bind(projectId, clientId).first<OAuthClientRow>();
}

/** A page of the project's clients, oldest first, after the keyset cursor (created_at, client_id). */
export async function listOAuthClients(
  db: D1Database,
  projectId: string,
  opts: { limit: number; after?: { createdAt: string; id: string } },
): Promise<OAuthClientRow[]> {
  const after = opts.after;
  const { results } = await db
    .prepare(
      `SELECT * FROM oauth_clients WHERE project_id = ?1
         AND (?2 IS NULL OR created_at > ?2 OR (created_at = ?2 AND client_id > ?3))
       ORDER BY created_at, client_id LIMIT ?4`,
    )
    .bind(projectId, after?.createdAt ?? null, after?.id ?? "", opts.limit)
    .all<OAuthClientRow>();
  return results;
}

export interface OAuthClientChanges {
  name?: string;
  firstParty?: boolean;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
}

/** Applies the given fields (others stay); RETURNING the updated client, none when there is no such client. */
export function updateOAuthClient(db: D1Database, projectId: string, clientId: string, ch: OAuthClientChanges, at: string): D1PreparedStatement {
  const json = (v: string[] | undefined) => (v === undefined ? null : JSON.stringify(v));
  return db
    .prepare(
      `UPDATE oauth_clients SET name = COALESCE(?3, name), first_party = COALESCE(?4, first_party),
         redirect_uris = COALESCE(?5, redirect_uris), post_logout_redirect_uris = COALESCE(?6, post_logout_redirect_uris), updated_at = ?7
       WHERE project_id = ?1 AND client_id = ?2 RETURNING *`,
    )
    .bind(
      projectId,
      clientId,
      ch.name ?? null,
      ch.firstParty === undefined ? null : ch.firstParty ? 1 : 0,
      json(ch.redirectUris),
      json(ch.postLogoutRedirectUris),
      at,
    );
}

/** A new secret for a confidential client, the current one kept until previousUntil; RETURNING the client, none for a public or missing one. */
export function rotateOAuthClientSecret(
  db: D1Database,
  projectId: string,
  clientId: string,
  secretHash: string,
  previousUntil: string,
  at: string,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE oauth_clients SET previous_secret_hash = secret_hash, previous_secret_until = ?4, secret_hash = ?3, updated_at = ?5
       WHERE project_id = ?1 AND client_id = ?2 AND type = 'confidential' RETURNING *`,
    )
    .bind(projectId, clientId, secretHash, previousUntil, at);
}

/** Holds while the client exists (and, with `type`, is of that type). */
export const oauthClientExists = (projectId: string, clientId: string, type: ClientType | null = null): Guard =>
  guard(`SELECT 1 FROM oauth_clients WHERE project_id = ? AND client_id = ? AND (? IS NULL OR type = ?)`, projectId, clientId, type, type);

export function deleteOAuthClient(db: D1Database, projectId: string, clientId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM oauth_clients WHERE project_id = ? AND client_id = ? RETURNING client_id`).bind(projectId, clientId);
}
