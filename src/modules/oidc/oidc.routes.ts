// The OpenID Provider's endpoints (one issuer per project: <PUBLIC_URL>/api/auth/{projectId}).
// They speak OAuth's wire formats (form bodies, redirects, { error, error_description }), declared
// with `x-oauth-wire` so the spec's rules and docs know these answers are not the envelope.
import { createRoute } from "@hono/zod-openapi";
import { clientTokensAllowed, userSession } from "../../middleware/project";
import { oauthWire } from "../../oidc/wire";
import { ProjectIdParam } from "../../schemas/auth";
import { redirectResponse } from "../../schemas/envelope";
import {
  AuthorizeQuery,
  IntrospectionSchema,
  LogoutQuery,
  TokenForm,
  TokenRequest,
  TokenResponseSchema,
  UserInfoSchema,
  formBody,
  htmlPage,
  oauthErrorResponses,
} from "../../schemas/oidc";

const tags = ["OpenID Connect"];
// OAuth's wire format, declared once per route for both readers: app.onError (the oauthWire
// marker among the route's middleware) and the spec (x-oauth-wire).
const wire = { middleware: [oauthWire], "x-oauth-wire": true as const, "x-envelope": false as const };
const clientAuth: Array<Record<string, string[]>> = [{ clientSecretBasic: [] }, {}];

const authorizeAnswers = {
  302: redirectResponse("To the client (code or error), the hosted sign-in page or the consent page.", "The next URL."),
  400: htmlPage("Unknown client, or a redirect URI the client did not register: an HTML page for the user."),
};

export const authorize = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/oauth2/authorize",
  operationId: "oidcAuthorize",
  tags,
  security: [],
  summary: "Authorization endpoint (OpenID Connect, code flow with PKCE)",
  description: [
    "Where an OIDC client library sends the browser. Authorization code flow only (`response_type=code`), PKCE `S256` required for every client, `state` and `nonce` passed through, `prompt=none|login`, `max_age`, `login_hint`.",
    "",
    "When the browser has a single sign-on session (the hosted page's cookie) that satisfies the request, it answers 302 to the client's `redirect_uri` with `code` (single use, 60 s), `state` and `iss` (RFC 9207) at once. Otherwise it stores the request (15 minutes) and answers 302 to the hosted sign-in page, or to the consent page for a third-party client (`firstParty: false`) the user has not yet approved for these scopes.",
    "",
    "Errors: while `client_id` or `redirect_uri` is unknown or does not match a registered URI, a 400 HTML page (nothing is sent to an unverified URI). After that, errors go to the `redirect_uri` as `error`, `error_description`, `state` and `iss`: `unsupported_response_type`, `invalid_request` (PKCE missing or not S256, bad `max_age`), `invalid_scope`, `login_required` / `consent_required` (`prompt=none`). Requests per IP: rule `oauth2.ip`.",
  ].join("\n"),
  request: { params: ProjectIdParam, query: AuthorizeQuery },
  responses: {
    ...authorizeAnswers,
    ...oauthErrorResponses(403, 404, 429),
  },
  ...wire,
});

export const authorizePost = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/oauth2/authorize",
  operationId: "oidcAuthorizePost",
  tags,
  security: [],
  summary: "Authorization endpoint (form POST)",
  description:
    "The authorization endpoint with its parameters form-encoded in the body (OpenID Connect Core §3.1.2.1); it answers exactly as `GET /oauth2/authorize`.",
  request: { params: ProjectIdParam, body: formBody(AuthorizeQuery) },
  responses: {
    ...authorizeAnswers,
    ...oauthErrorResponses(403, 404, 413, 415, 429),
  },
  ...wire,
});

export const token = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/oauth2/token",
  operationId: "oidcToken",
  tags,
  security: clientAuth,
  summary: "Token endpoint: exchange a code, or refresh",
  description: [
    "Form-encoded (RFC 6749 §4.1.3, §6). Client authentication: `client_secret_basic` (HTTP Basic), `client_secret_post` (`client_id` + `client_secret` in the form) for confidential clients; `none` (`client_id` only) for public clients, which rely on PKCE.",
    "",
    "`grant_type=authorization_code`: `code` (single use, 60 s, bound to the client, the `redirect_uri` and the PKCE challenge), `redirect_uri`, `code_verifier`. Answers `access_token` (our ES256 JWT with `aud` the project and `client_id`/`azp` the client), `id_token` (scope `openid`: `nonce`, `auth_time`, `amr`, `at_hash`, and `email`/`email_verified`/`name` by scope), a rotating `refresh_token`, `expires_in` and `scope`. A code presented twice is refused and ends the session it started.",
    "",
    "`grant_type=refresh_token`: rotates the refresh token (reuse after the grace window ends the session) for the client it was issued to. Errors are `{ error, error_description }`: 400 `invalid_request`, `invalid_grant`, `unsupported_grant_type`; 401 `invalid_client`. Unknown codes and failed client authentication count per IP (rule `probe.ip`).",
  ].join("\n"),
  request: { params: ProjectIdParam, body: formBody(TokenRequest) },
  responses: {
    200: { description: "Tokens (RFC 6749 §5.1).", content: { "application/json": { schema: TokenResponseSchema } } },
    ...oauthErrorResponses(400, 401, 403, 404, 413, 415, 429),
  },
  ...wire,
});

const userInfoConfig = (method: "get" | "post") =>
  createRoute({
    method,
    path: "/api/auth/{projectId}/oauth2/userinfo",
    operationId: method === "get" ? "oidcUserInfo" : "oidcUserInfoPost",
    tags,
    security: [{ bearerAuth: [] }],
    summary: method === "get" ? "UserInfo endpoint" : "UserInfo endpoint (POST)",
    description:
      "Claims about the signed-in user for an access token (OpenID Connect Core §5.3): `sub`, and with scope `email` `email` and `email_verified`, with scope `profile` `name`. An access token of the JSON Auth API (no client) gets all of them. 401 `invalid_token` (with `WWW-Authenticate`) for a missing, expired or revoked token.",
    request: { params: ProjectIdParam },
    responses: {
      200: { description: "The user's claims.", content: { "application/json": { schema: UserInfoSchema } } },
      ...oauthErrorResponses(401, 403, 404, 429),
    },
    ...wire,
    middleware: [...wire.middleware, userSession, clientTokensAllowed],
  });
export const userInfo = userInfoConfig("get");
export const userInfoPost = userInfoConfig("post");

export const revoke = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/oauth2/revoke",
  operationId: "oidcRevoke",
  tags,
  security: clientAuth,
  summary: "Revocation endpoint (RFC 7009)",
  description:
    "Revokes a refresh token or an access token the authenticated client holds: the whole session ends (its refresh tokens stop working, and access tokens stop working on this service at once; offline verifiers see them until they expire). Answers 200 with an empty body also for unknown, expired or already revoked tokens, and for tokens of another client (which are left alone), as RFC 7009 §2.2 requires.",
  request: { params: ProjectIdParam, body: formBody(TokenForm) },
  responses: {
    200: { description: "Revoked, or nothing to revoke (empty body)." },
    ...oauthErrorResponses(400, 401, 403, 404, 413, 415, 429),
  },
  ...wire,
});

export const introspect = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/oauth2/introspect",
  operationId: "oidcIntrospect",
  tags,
  security: [{ clientSecretBasic: [] }],
  summary: "Introspection endpoint (RFC 7662)",
  description:
    'For confidential clients (resource servers): whether a token of this project is active now, judged live (signature, expiry, session not revoked, user enabled), with its `scope`, `client_id`, `sub`, `sid`, `exp`, `iat`, `iss`, `aud` and `token_type`. Inactive, unknown and foreign tokens all answer `{ "active": false }`. Public clients get 401 `invalid_client`.',
  request: { params: ProjectIdParam, body: formBody(TokenForm) },
  responses: {
    200: { description: "The token's state.", content: { "application/json": { schema: IntrospectionSchema } } },
    ...oauthErrorResponses(400, 401, 403, 404, 413, 415, 429),
  },
  ...wire,
});

const logoutBase = {
  path: "/api/auth/{projectId}/oauth2/logout",
  tags,
  security: [],
  description:
    "OpenID Connect RP-Initiated Logout 1.0. With a valid `id_token_hint` (ours, for the client; an expired one is fine) it ends that client session and the single sign-on session it came from (the hosted page's cookie; every client session issued from it ends too), then redirects to `post_logout_redirect_uri` (with `state`) when the client registered it, or shows a signed-out page. Without `id_token_hint` a GET shows a confirmation page whose form POSTs here; that POST (from this origin) ends the browser's own single sign-on session. 400 HTML page for an invalid `id_token_hint` or an unregistered `post_logout_redirect_uri`.",
  ...wire,
};
const logoutAnswers = {
  200: htmlPage("Signed out, or (without id_token_hint) the confirmation page."),
  302: redirectResponse("To the client's post-logout redirect URI.", "post_logout_redirect_uri with state."),
  400: htmlPage("Invalid id_token_hint or post_logout_redirect_uri."),
};

export const logout = createRoute({
  ...logoutBase,
  method: "get",
  operationId: "oidcLogout",
  summary: "End-session endpoint (RP-initiated logout)",
  request: { params: ProjectIdParam, query: LogoutQuery },
  responses: { ...logoutAnswers, ...oauthErrorResponses(403, 404, 429) },
});

export const logoutPost = createRoute({
  ...logoutBase,
  method: "post",
  operationId: "oidcLogoutPost",
  summary: "End-session endpoint (POST)",
  request: { params: ProjectIdParam, body: formBody(LogoutQuery) },
  responses: { ...logoutAnswers, ...oauthErrorResponses(403, 404, 413, 415, 429) },
});
