import { createRoute } from "@hono/zod-openapi";
import { ProjectIdParam } from "../../schemas/auth";
import { errorResponses } from "../../schemas/envelope";
import { JwksSchema, OpenIdConfigurationSchema } from "../../schemas/keys";
import { projectMayLag } from "../../middleware/project";

const tags = ["Auth"];
const security: Array<Record<string, string[]>> = [];

// These two answer standard documents (RFC 7517, OpenID Discovery) unwrapped, because
// verifiers such as jose's createRemoteJWKSet read them as-is; errors keep the envelope.
const standardDocument = { "x-envelope": false };

export const getJwks = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/.well-known/jwks.json",
  middleware: [projectMayLag] as const,
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
  middleware: [projectMayLag] as const,
  operationId: "getOpenIdConfiguration",
  tags,
  security,
  summary: "OpenID Provider discovery document",
  description:
    "OpenID Connect Discovery 1.0 metadata, **not** wrapped in the envelope: the issuer (`iss` of every access and ID token), every endpoint of the project's OpenID Provider (authorization, token, UserInfo, revocation, introspection, end session), the JWKS, and what is supported (code flow with PKCE S256, client authentication methods, scopes, claims). Give an OIDC client library the issuer `<PUBLIC_URL>/api/auth/{projectId}` and it finds the rest here. Access tokens carry `aud` = the project id.",
  request: { params: ProjectIdParam },
  responses: {
    200: { description: "The discovery document.", content: { "application/json": { schema: OpenIdConfigurationSchema } } },
    ...errorResponses(403, 404),
  },
  ...standardDocument,
});
