// Signing keys as the API shows them: public JWKs (RFC 7517), the JWK Set and OpenID discovery
// documents of the Auth API, and a project's keys in the Admin API. Never a private part.
import { z } from "@hono/zod-openapi";

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
    authorization_endpoint: z.string().url(),
    token_endpoint: z.string().url(),
    userinfo_endpoint: z.string().url(),
    jwks_uri: z.string().url(),
    revocation_endpoint: z.string().url(),
    introspection_endpoint: z.string().url(),
    end_session_endpoint: z.string().url(),
    response_types_supported: z.array(z.string()),
    response_modes_supported: z.array(z.string()),
    grant_types_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    code_challenge_methods_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
    prompt_values_supported: z.array(z.string()),
    authorization_response_iss_parameter_supported: z.boolean(),
    claims_parameter_supported: z.boolean(),
    request_parameter_supported: z.boolean(),
    request_uri_parameter_supported: z.boolean(),
  })
  .openapi("OpenIdConfiguration");

export const SigningKeySchema = z
  .object({
    kid: z.string().openapi({ description: "Key id: the `kid` header of the tokens this key signs.", example: "key_3kP9sLq2Vx8Rt1Yz6Wm4Nb" }),
    alg: z.literal("ES256"),
    status: z.enum(["active", "retired"]).openapi({ description: "`active` signs new tokens; `retired` only verifies tokens it signed before." }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    retiredAt: z.string().datetime().nullable().openapi({ example: null }),
    verifyUntil: z
      .string()
      .datetime()
      .nullable()
      .openapi({ description: "A retired key is in the JWKS until then (its last token's expiry); null while active.", example: null }),
    publicJwk: JwkSchema,
  })
  .openapi("SigningKey");
