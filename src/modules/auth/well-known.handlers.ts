import type { RouteHandler } from "@hono/zod-openapi";
import { SIGNING_ALG } from "../../crypto/keys";
import { cachedVerificationKeys } from "../../lib/project-cache";
import { issuerOf } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { CLIENT_AUTH_METHODS } from "../../oidc/client-auth";
import { CLAIMS_OF_SCOPE, SUPPORTED_SCOPES } from "../../oidc/scopes";
import type { getJwks, getOpenIdConfiguration } from "./well-known.routes";

// Served from the isolate's project cache (lib/project-cache.ts): no D1 read while it is fresh.
export const jwksHandler: RouteHandler<typeof getJwks, AppEnv> = async (c) => {
  const keys = await cachedVerificationKeys(c.env.DB, c.get("project").id);
  c.header("Cache-Control", "public, max-age=300");
  return c.json({ keys: keys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty: kty as "EC", crv: crv as "P-256", x: x!, y: y!, kid, alg, use })) }, 200);
};

// Claims of access tokens (below) and of ID tokens / UserInfo by scope (src/oidc/scopes.ts).
const ACCESS_TOKEN_CLAIMS = ["iss", "aud", "sub", "sid", "iat", "exp", "amr", "client_id", "azp", "scope"];
const PROFILE_CLAIMS = ["email", "email_verified", "app_metadata"];
const ID_TOKEN_CLAIMS = ["auth_time", "nonce", "at_hash", ...Object.values(CLAIMS_OF_SCOPE).flat()];

export const openIdConfigurationHandler: RouteHandler<typeof getOpenIdConfiguration, AppEnv> = (c) => {
  const project = c.get("project");
  const issuer = issuerOf(c, project.id);
  c.header("Cache-Control", "public, max-age=300");
  const claims = new Set([...ACCESS_TOKEN_CLAIMS, ...ID_TOKEN_CLAIMS, ...(project.include_profile_claims ? PROFILE_CLAIMS : [])]);
  return c.json(
    {
      issuer,
      authorization_endpoint: `${issuer}/oauth2/authorize`,
      token_endpoint: `${issuer}/oauth2/token`,
      userinfo_endpoint: `${issuer}/oauth2/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth2/revoke`,
      introspection_endpoint: `${issuer}/oauth2/introspect`,
      end_session_endpoint: `${issuer}/oauth2/logout`,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: [SIGNING_ALG],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== "none"),
      code_challenge_methods_supported: ["S256"],
      scopes_supported: [...SUPPORTED_SCOPES],
      claims_supported: [...claims],
      prompt_values_supported: ["none", "login", "consent"],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    },
    200,
  );
};
