// The OpenID Provider's wire formats (RFC 6749, RFC 7009, RFC 7662, OpenID Connect Core and
// RP-Initiated Logout): snake_case, form-encoded requests, unwrapped JSON answers.
import { z } from "@hono/zod-openapi";

const text = (max: number) => z.string().max(max);

export const OAuthErrorSchema = z
  .object({
    error: z
      .enum([
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
        "invalid_token",
        "unsupported_token_type",
        "access_denied",
        "server_error",
        "temporarily_unavailable",
      ])
      .openapi({ description: "An error code of RFC 6749 §5.2 / RFC 6750 §3.1." }),
    error_description: z.string().openapi({ description: "What went wrong, for the developer (English)." }),
  })
  .openapi("OAuthError", { example: { error: "invalid_grant", error_description: "This code was already used; start the sign-in again" } });

export const AuthorizeQuery = z.object({
  response_type: text(64).optional().openapi({ description: "Must be `code`.", example: "code" }),
  client_id: text(128).optional().openapi({ description: "The client's id (Admin API, OAuth clients).", example: "cl_4kq9XyZ2mN7pR3sT8vW1aB" }),
  redirect_uri: text(2048).optional().openapi({
    description: "Exactly one of the client's registered redirect URIs (a loopback IP URI may use any port).",
    example: "https://app.example.com/callback",
  }),
  scope: text(512)
    .optional()
    .openapi({ description: "Space-separated: `openid` plus any of `email`, `profile`, `offline_access`.", example: "openid email profile" }),
  state: text(1024).optional().openapi({ description: "Returned unchanged with the code or error.", example: "af0ifjsldkj" }),
  nonce: text(512).optional().openapi({ description: "Returned in the ID token's `nonce` claim.", example: "n-0S6_WzA2Mj" }),
  code_challenge: text(128).optional().openapi({
    description: "PKCE (RFC 7636): BASE64URL(SHA-256(code_verifier)); required for every client.",
    example: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  }),
  code_challenge_method: text(16).optional().openapi({ description: "Must be `S256`.", example: "S256" }),
  prompt: text(64)
    .optional()
    .openapi({ description: "`none` (never show a page: `login_required` / `consent_required` instead) or `login` (sign in again).", example: "login" }),
  max_age: text(12).optional().openapi({ description: "Seconds: a sign-in older than this must be repeated.", example: "3600" }),
  login_hint: text(320).optional().openapi({ description: "Pre-fills the email on the sign-in page.", example: "ada@example.com" }),
  response_mode: text(32).optional().openapi({ description: "Only `query` (the default) is supported.", example: "query" }),
});

/** Client authentication in the form body (client_secret_post) or just the id (public clients). */
const clientFields = {
  client_id: text(128).optional().openapi({ description: "The client's id, unless sent in HTTP Basic authentication.", example: "cl_4kq9XyZ2mN7pR3sT8vW1aB" }),
  client_secret: text(256)
    .optional()
    .openapi({ description: "client_secret_post: the client's secret (confidential clients).", example: "cs_Qm9yZSBzZWNyZXQgdGhhbiB5b3UgdGhpbms" }),
};

export const TokenRequest = z
  .object({
    grant_type: text(64).openapi({ description: "`authorization_code` or `refresh_token`.", example: "authorization_code" }),
    code: text(256).optional().openapi({ description: "authorization_code: the code from the redirect.", example: "ac_SplxlOBeZQQYbYS6WxSbIA" }),
    redirect_uri: text(2048)
      .optional()
      .openapi({ description: "authorization_code: the redirect_uri sent to authorize.", example: "https://app.example.com/callback" }),
    code_verifier: text(128)
      .optional()
      .openapi({ description: "authorization_code: the PKCE verifier.", example: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" }),
    refresh_token: text(256)
      .optional()
      .openapi({ description: "refresh_token: the refresh token (rotates on every use).", example: "rt_8xLk2mQpV7nR4sT1wY9zB3cD6fG0hJ5" }),
    scope: text(512).optional().openapi({ description: "refresh_token: ignored (the session keeps its scope).", example: "openid email" }),
    ...clientFields,
  })
  .openapi("OAuthTokenForm");

export const TokenResponseSchema = z
  .object({
    access_token: z.string().openapi({ description: "An ES256 JWT (RFC 9068): `aud` the project, `client_id`/`azp` the client, `scope`." }),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ example: 900 }),
    refresh_token: z.string().openapi({ description: "Opaque; rotates on every use, with reuse detection." }),
    id_token: z.string().optional().openapi({ description: "With scope `openid` on the code exchange: an ES256 JWT for the client." }),
    scope: z.string().openapi({ example: "openid email profile" }),
  })
  .openapi("OAuthTokenResponse");

export const TokenForm = z
  .object({
    token: text(4096).openapi({ description: "The token: an access token or a refresh token.", example: "rt_8xLk2mQpV7nR4sT1wY9zB3cD6fG0hJ5" }),
    token_type_hint: text(32).optional().openapi({ description: "`access_token` or `refresh_token` (a hint only).", example: "refresh_token" }),
    ...clientFields,
  })
  .openapi("OAuthTokenTypeForm");

export const IntrospectionSchema = z
  .object({
    active: z.boolean(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    sub: z.string().optional(),
    sid: z.string().optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    iss: z.string().optional(),
    aud: z.string().optional(),
    token_type: z.enum(["access_token", "refresh_token"]).optional(),
  })
  .openapi("OAuthIntrospection", {
    example: {
      active: true,
      scope: "openid email",
      client_id: "cl_4kq9XyZ2mN7pR3sT8vW1aB",
      sub: "usr_Zx8…",
      sid: "ses_Q2…",
      exp: 1767226500,
      iat: 1767225600,
      iss: "https://auth.example.com/api/auth/mobile_app",
      aud: "mobile_app",
      token_type: "access_token",
    },
  });

export const UserInfoSchema = z
  .object({
    sub: z.string(),
    email: z.string().optional(),
    email_verified: z.boolean().optional(),
    name: z.string().optional().openapi({ description: "With scope `profile`, when the user has a display name." }),
  })
  .openapi("UserInfo", { example: { sub: "usr_3k9xPq2LmN8rT5vW7yZ1aB", email: "ada@example.com", email_verified: true, name: "Ada Lovelace" } });

export const LogoutQuery = z.object({
  id_token_hint: text(8192).optional().openapi({ description: "An ID token this provider issued to the client (expired is fine)." }),
  post_logout_redirect_uri: text(2048).optional().openapi({
    description: "One of the client's registered post-logout redirect URIs; needs id_token_hint or client_id.",
    example: "https://app.example.com/",
  }),
  client_id: text(128).optional().openapi({ description: "The client, when no id_token_hint is sent." }),
  state: text(1024).optional().openapi({ description: "Returned unchanged on the post-logout redirect." }),
  ui_locales: text(64).optional().openapi({ description: "Ignored (pages are English)." }),
});

const OAUTH_ERROR_EXAMPLES: Record<number, { description: string; error: string; error_description: string }> = {
  400: {
    description: "Invalid request or grant (RFC 6749 §5.2).",
    error: "invalid_grant",
    error_description: "This code was already used; start the sign-in again",
  },
  401: {
    description: "Client authentication failed, or the access token is invalid.",
    error: "invalid_client",
    error_description: "Client authentication failed",
  },
  403: { description: "The project is disabled.", error: "access_denied", error_description: "This project is disabled" },
  404: { description: "No such project.", error: "invalid_request", error_description: "Project 'mobile_app' does not exist" },
  413: { description: "Body over the size cap.", error: "invalid_request", error_description: "Request body is too large" },
  415: {
    description: "The body is not application/x-www-form-urlencoded.",
    error: "invalid_request",
    error_description: "The body must be application/x-www-form-urlencoded",
  },
  429: { description: "Rate limited; see Retry-After.", error: "temporarily_unavailable", error_description: "Too many requests; try again in 30 s" },
};

/** Error responses of an OAuth-wire operation: `{ error, error_description }` (OAuthError), not the envelope. */
export const oauthErrorResponses = (...statuses: (keyof typeof OAUTH_ERROR_EXAMPLES)[]) =>
  Object.fromEntries(
    statuses.map((status) => {
      const { description, error, error_description } = OAUTH_ERROR_EXAMPLES[status]!;
      return [status, { description, content: { "application/json": { schema: OAuthErrorSchema, example: { error, error_description } } } }];
    }),
  );

/** A form-encoded request body (RFC 6749 §4.1.3). */
export const formBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/x-www-form-urlencoded": { schema } },
});

/** An HTML page answer (browser endpoints: the authorization endpoint's error page, logout). */
export const htmlPage = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });
