// What the hosted sign-in page reads about the session its script just signed in, by the refresh
// token the JSON Auth API gave it. The project id comes first: no query crosses tenants.

/** A refresh token's session as the hosted page decides on it. */
export interface HostedCandidate {
  session_id: string;
  user_id: string;
  /** JSON amr list of the session. */
  amr: string;
  /** The session's start (its sign-in). */
  created_at: string;
  revoked_at: string | null;
  /** Set for sessions issued to an OAuth client at the token endpoint: never adopted. */
  client_id: string | null;
  token_expires_at: string;
  token_rotated_at: string | null;
  user_disabled: number;
  user_email: string;
}

export function findHostedCandidate(db: D1Database, projectId: string, tokenHash: string): Promise<HostedCandidate | null> {
  return db
    .prepare(
      `SELECT s.id AS session_id, s.user_id, s.amr, s.created_at, s.revoked_at, s.client_id,
              t.expires_at AS token_expires_at, t.rotated_at AS token_rotated_at, u.disabled AS user_disabled, u.email AS user_email
       FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
       WHERE t.project_id = ?1 AND t.token_hash = ?2 AND s.project_id = ?1`,
    )
    .bind(projectId, tokenHash)
    .first<HostedCandidate>();
}
