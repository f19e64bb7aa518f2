import { createRoute, z } from "@hono/zod-openapi";
import { ProjectIdParam } from "../../schemas/auth";
import { errorResponses } from "../../schemas/envelope";

const tags = ["Auth"];
const security: Array<Record<string, string[]>> = [];

export const JwkSchema = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal("ES256"),
    use: z.literal("sig"),
  })
  .openapi("Jwk");

export const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi("JwkSet");

export const OpenIdConfigurationSchema = z
  .object({
    issuer: z.string().url(),
    jwks_uri: z.string().url(),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
  })
  .openapi("OpenIdConfiguration");

// These two answer standard documents (RFC 7517, OpenID Discovery) unwrapped, because
// verifiers such as jose's createRemoteJWKSet read them as-is; errors keep the envelope.
const standardDocument = { "x-envelope": false };

export const getJwks = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/.well-known/jwks.json",
  operationId: "getJwks",
  tags,
  security,
  summary: "Public keys that verify this project's access tokens",
  description:
    "A JWK Set (RFC 7517), **not** wrapped in the envelope, so standard libraries can use it directly (e.g. jose `createRemoteJWKSet`). Holds the active key and retired keys whose tokens may still be live. Cacheable for 5 minutes.",
  request: { params: ProjectIdParam },
  responses: {
    200: { description: "The JWK Set.", content: { "application/json": { schema: JwksSchema } } },
    ...errorResponses(403, 404),
  },
  ...standardDocument,
});

export const getOpenIdConfiguration = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/.well-known/openid-configuration",
  operationId: "getOpenIdConfiguration",
  tags,
  security,
  summary: "Discovery document for verifying this project's tokens",
  description:
    "OpenID-style discovery metadata, **not** wrapped in the envelope: the issuer (`iss` of every access token), where the JWKS lives and the signing algorithm. Access tokens carry `aud` = the project id.",
  request: { params: ProjectIdParam },
  responses: {
    200: { description: "The discovery document.", content: { "application/json": { schema: OpenIdConfigurationSchema } } },
    ...errorResponses(403, 404),
  },
  ...standardDocument,
});
