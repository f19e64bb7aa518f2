import type { RouteHandler } from "@hono/zod-openapi";
import { SIGNING_ALG } from "../../crypto/keys";
import { cachedVerificationKeys } from "../../lib/project-cache";
import { issuerOf } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import type { getJwks, getOpenIdConfiguration } from "./well-known.routes";

// Served from the isolate's project cache (lib/project-cache.ts): no D1 read while it is fresh.
export const jwksHandler: RouteHandler<typeof getJwks, AppEnv> = async (c) => {
  const keys = await cachedVerificationKeys(c.env.DB, c.get("project").id);
  c.header("Cache-Control", "public, max-age=300");
  return c.json({ keys: keys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty: kty as "EC", crv: crv as "P-256", x: x!, y: y!, kid, alg, use })) }, 200);
};

const REGISTERED_CLAIMS = ["iss", "aud", "sub", "sid", "iat", "exp"];
const PROFILE_CLAIMS = ["email", "email_verified", "app_metadata"];

export const openIdConfigurationHandler: RouteHandler<typeof getOpenIdConfiguration, AppEnv> = (c) => {
  const project = c.get("project");
  const issuer = issuerOf(c, project.id);
  c.header("Cache-Control", "public, max-age=300");
  return c.json(
    {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: [SIGNING_ALG],
      token_endpoint_auth_methods_supported: ["none"],
      claims_supported: project.include_profile_claims ? [...REGISTERED_CLAIMS, ...PROFILE_CLAIMS] : REGISTERED_CLAIMS,
    },
    200,
  );
};
