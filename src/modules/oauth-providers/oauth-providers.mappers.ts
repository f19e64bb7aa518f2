import type { Context } from "hono";
import type { OAuthProviderRow } from "../../db/oauth.repo";
import { issuerOf } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { callbackUrl } from "../../oauth/urls";

/** The API shape: never the secret or its ciphertext, only whether one is set. */
export const toProvider = (c: Context<AppEnv>, p: OAuthProviderRow) => ({
  provider: p.slug,
  type: p.type,
  clientId: p.client_id,
  clientSecretSet: p.client_secret_box !== null,
  issuer: p.issuer,
  scopes: JSON.parse(p.scopes) as string[],
  enabled: p.enabled === 1,
  callbackUrl: callbackUrl(issuerOf(c, p.project_id), p.slug),
  endpoints: { authorization: p.authorization_url, codeExchange: p.token_url, jwks: p.jwks_uri, userinfo: p.userinfo_url },
  createdAt: p.created_at,
  updatedAt: p.updated_at,
});
