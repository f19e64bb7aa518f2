import { createRoute } from "@hono/zod-openapi";
import { SIGN_IN_ERRORS } from "../../oauth/errors";
import { ProjectIdParam, SignInResultSchema } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok, redirectResponse } from "../../schemas/envelope";
import { AuthorizeQuery, CallbackQuery, OAuthTokenRequest, ProviderParam } from "../../schemas/oauth";

const tags = ["Auth"];
const security: Array<Record<string, string[]>> = [];

export const oauthAuthorize = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/oauth/{provider}/authorize",
  operationId: "oauthAuthorize",
  tags,
  security,
  summary: "Start signing in with an identity provider",
  description: [
    "Open this URL in the user's browser (not with fetch). It answers 302 to the provider's sign-in page; after the user signs in there, the provider returns to this service's callback, which sends the browser to your `redirect_uri` with a one-time `code`, exchanged at `POST /oauth/token`.",
    "",
    "Your app creates a PKCE verifier (43–128 random characters), keeps it, and sends `code_challenge` = BASE64URL(SHA-256(verifier)). Towards the provider this service uses its own `state`, `nonce` and PKCE.",
    "",
    "Errors are JSON, because no redirect target is trusted yet: 400 `VALIDATION_ERROR` when `redirect_uri` is not exactly an entry of the project's `redirectUrls`, or `code_challenge` is missing or malformed; 404 `NOT_FOUND` when the project has no enabled provider with this slug.",
  ].join("\n"),
  request: { params: ProviderParam, query: AuthorizeQuery },
  responses: {
    302: redirectResponse(
      "Redirect to the provider's authorization endpoint.",
      "The provider's authorization URL with `response_type=code`, `client_id`, `redirect_uri` (this service's callback), `scope`, `state`, `nonce` and `code_challenge` (S256).",
    ),
    ...errorResponses(400, 403, 404, 429),
  },
});

export const oauthCallback = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/oauth/{provider}/callback",
  operationId: "oauthCallback",
  tags,
  security,
  summary: "Where the identity provider returns the user",
  description: [
    "Registered at the provider as the client's redirect URI (`callbackUrl` in the Admin API); not called by apps. Checks `state` (single use, 10 minutes, bound to this project and provider), exchanges the provider's code with this service's PKCE verifier and client secret, verifies the ID token (signature by the provider's JWKS, issuer, audience, nonce, expiry) or, for GitHub, reads the account and its verified primary email, then finds or creates the user.",
    "",
    "Linking: a first sign-in with a provider account attaches it to an existing user with the same email only when the provider reports the email verified, and the existing account's own email is verified (or it has neither a password nor another provider). Later sign-ins match the provider account, not the email.",
    "",
    "Success: 302 to the app's `redirect_uri` with `code` (single use, valid 60 s) and the app's `state`. Tokens never travel in a URL.",
    "",
    `Failure after \`state\` is known: 302 to the app's \`redirect_uri\` with \`error\` (one of ${SIGN_IN_ERRORS.map((e) => `\`${e}\``).join(", ")}), \`error_description\` and \`state\`. Unknown or missing \`state\`, or a redirect URI removed from the allow-list meanwhile: 400 \`VALIDATION_ERROR\` (JSON); these count per client IP (rule \`probe.ip\`), and over it answer 429 \`RATE_LIMITED\` with \`Retry-After\`.`,
  ].join("\n"),
  request: { params: ProviderParam, query: CallbackQuery },
  responses: {
    302: redirectResponse(
      "Redirect to the app's redirect URI.",
      "The app's `redirect_uri` with `code` and `state` on success, or `error`, `error_description` and `state` on failure.",
    ),
    ...errorResponses(400, 403, 404, 429),
  },
});

export const oauthToken = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/oauth/token",
  operationId: "oauthToken",
  tags,
  security,
  summary: "Exchange a sign-in code for a token pair",
  description:
    "Trades the one-time `code` from the redirect, with the PKCE `codeVerifier` whose challenge your app sent to authorize, for a session: the same result as login. The code is spent by the first attempt, right or wrong: a wrong verifier, an expired (60 s) or unknown code, or a code used before all answer 400 `INVALID_GRANT`; a code presented again also ends the session it started (RFC 6749 §4.1.2). 403 `USER_DISABLED` when the account was disabled meanwhile. Unknown codes are counted per client IP (rule `probe.ip`): over it, 429 `RATE_LIMITED` with `Retry-After`.",
  request: { params: ProjectIdParam, body: jsonBody(OAuthTokenRequest) },
  responses: {
    200: ok(SignInResultSchema, "Signed in (tokens), or the second-factor challenge for a user who has one (`mfaRequired`)."),
    ...errorResponses(...BODY_ERRORS, 403, 404, 429),
  },
});
