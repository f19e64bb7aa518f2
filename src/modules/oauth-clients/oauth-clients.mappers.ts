import { postLogoutUrisOf, redirectUrisOf, type OAuthClientRow } from "../../db/oauth-clients.repo";

/** The Admin API shape of an OAuth client, field by field: never a secret hash, only when a previous secret stops working. */
export const toOAuthClient = (row: OAuthClientRow, at: number) => ({
  clientId: row.client_id,
  name: row.name,
  type: row.type,
  firstParty: row.first_party === 1,
  redirectUris: redirectUrisOf(row),
  postLogoutRedirectUris: postLogoutUrisOf(row),
  previousSecretExpiresAt: row.previous_secret_until && Date.parse(row.previous_secret_until) > at ? row.previous_secret_until : null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
