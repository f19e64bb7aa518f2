import { z } from "@hono/zod-openapi";
import { CHALLENGE_PATTERN, VERIFIER_PATTERN } from "../oauth/pkce";
import { isSecureOrLocal } from "../oauth/urls";
import { ProjectIdParam } from "./auth";

export const PROVIDER_SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const ProviderParam = ProjectIdParam.extend({
  provider: z
    .string()
    .regex(PROVIDER_SLUG_PATTERN, "must be 1–32 characters of a-z, 0-9, _ and -, starting with a letter or digit")
    .openapi({
      param: { name: "provider", in: "path", description: "The provider's slug in this project, e.g. `google`, `github` or `corp_sso`." },
      example: "google",
    }),
});

export const ProviderTypeSchema = z.enum(["oidc", "github", "google"]).openapi("OAuthProviderType", {
  description: "`oidc`: any OpenID Connect provider, configured by `issuer` (discovery). `google`, `github`: presets with fixed endpoints.",
});

const ScopeSchema = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, "must be a scope token (RFC 6749 §3.3)");

export const OAuthProviderSchema = z
  .object({
    provider: z.string().openapi({ example: "google" }),
    type: ProviderTypeSchema,
    clientId: z.string().openapi({ example: "1234567890-abc.apps.googleusercontent.com" }),
    clientSecretSet: z.boolean().openapi({ description: "Whether a client secret is stored. The secret itself is never returned." }),
    issuer: z
      .string()
      .openapi({ description: "The issuer ID tokens must carry (for GitHub, a fixed label of its accounts).", example: "https://accounts.google.com" }),
    scopes: z.array(z.string()).openapi({ example: ["openid", "email", "profile"] }),
    enabled: z.boolean(),
    callbackUrl: z.string().openapi({
      description: "Register exactly this URL as the redirect URI of the client at the provider.",
      example: "https://auth.example.com/api/auth/mobile_app/oauth/google/callback",
    }),
    endpoints: z
      .object({
        authorization: z.string(),
        codeExchange: z.string().openapi({ description: "The provider's token endpoint." }),
        jwks: z.string().nullable(),
        userinfo: z.string().nullable(),
      })
      .openapi("OAuthProviderEndpoints", { description: "Where sign-ins go, from discovery (oidc) or the preset." }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    updatedAt: z.string().datetime().openapi({ example: "2026-01-02T00:00:00.000Z" }),
  })
  .openapi("OAuthProvider");

export const PutOAuthProviderRequest = z
  .object({
    type: ProviderTypeSchema,
    clientId: z.string().trim().min(1).max(512),
    clientSecret: z.string().min(1).max(2048).optional().openapi({
      description:
        "Stored encrypted, never returned. Omit to keep the stored one. Required for `google` and `github`; an `oidc` client without one is a public client (PKCE only).",
    }),
    issuer: z.string().max(512).refine(isSecureOrLocal, "must be an https URL (http only for localhost or 127.0.0.1)").optional().openapi({
      description:
        "Required for `oidc`, not allowed for presets. Exactly the issuer the provider's discovery document names; https on a public host name (http://localhost or 127.0.0.1 only in local development).",
      example: "https://login.example.com",
    }),
    scopes: z
      .array(ScopeSchema)
      .max(20)
      .optional()
      .openapi({ description: "Defaults: `openid email profile` (`openid` is always added for OpenID providers); GitHub: `read:user user:email`." }),
    enabled: z.boolean().optional().openapi({ description: "Defaults to true. A disabled provider's authorize answers 404." }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.type === "oidc" && !body.issuer) ctx.addIssue({ code: "custom", path: ["issuer"], message: "is required for type oidc" });
    if (body.type !== "oidc" && body.issuer) ctx.addIssue({ code: "custom", path: ["issuer"], message: `is fixed for type ${body.type}; omit it` });
  })
  .openapi("PutOAuthProviderRequest", {
    example: {
      type: "oidc",
      clientId: "edge-auth",
      clientSecret: "s3cr3t-from-the-provider",
      issuer: "https://login.example.com",
      scopes: ["openid", "email", "profile"],
    },
  });

export const DeleteOAuthProviderResultSchema = z.object({ deleted: z.literal(true) }).openapi("DeleteOAuthProviderResult");

export const AuthorizeQuery = z.object({
  redirect_uri: z
    .string()
    .min(1)
    .max(2048)
    .openapi({
      param: { name: "redirect_uri", in: "query", description: "Where to send the user back; must equal an entry of the project's `redirectUrls` exactly." },
      example: "https://app.example.com/auth/callback",
    }),
  code_challenge: z
    .string()
    .regex(CHALLENGE_PATTERN, "must be the base64url SHA-256 of your code verifier (43 characters)")
    .openapi({
      param: {
        name: "code_challenge",
        in: "query",
        description: "PKCE (RFC 7636): BASE64URL(SHA-256(code_verifier)) of a verifier your app keeps for `POST /oauth/token`.",
      },
      example: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    }),
  code_challenge_method: z
    .literal("S256")
    .default("S256")
    .openapi({ param: { name: "code_challenge_method", in: "query", description: "Only `S256` (the default)." } }),
  state: z
    .string()
    .max(512)
    .optional()
    .openapi({
      param: { name: "state", in: "query", description: "Opaque value returned unchanged to your redirect URI; use it against CSRF in your app." },
      example: "af0ifjsldkj",
    }),
});

export const CallbackQuery = z.object({
  state: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "state", in: "query", description: "Set by this service at authorize; the provider echoes it." } }),
  code: z
    .string()
    .max(2048)
    .optional()
    .openapi({ param: { name: "code", in: "query", description: "The provider's authorization code." } }),
  error: z
    .string()
    .max(256)
    .optional()
    .openapi({ param: { name: "error", in: "query", description: "Set by the provider when the user declined or the request failed." } }),
  error_description: z
    .string()
    .max(1024)
    .optional()
    .openapi({ param: { name: "error_description", in: "query", description: "The provider's explanation of `error`." } }),
  iss: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "iss", in: "query", description: "The provider's issuer (RFC 9207); checked when present." } }),
});

export const OAuthTokenRequest = z
  .object({
    code: z
      .string()
      .min(1)
      .max(256)
      .openapi({ description: "The one-time `code` from the redirect to your app.", example: "oc_Qm9ndXNDb2RlRXhhbXBsZU9ubHlOb3RSZWFsMTIzNDU2" }),
    codeVerifier: z
      .string()
      .regex(VERIFIER_PATTERN, "must be 43–128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)")
      .openapi({ description: "The PKCE verifier whose S256 challenge you sent to authorize.", example: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" }),
  })
  .openapi("OAuthTokenRequest");
