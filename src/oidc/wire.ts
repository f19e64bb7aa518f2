// The OAuth 2.0 / OpenID Connect wire format of the provider's endpoints (src/modules/oidc):
// errors are `{ error, error_description }` (RFC 6749 §5.2), not the envelope. A route opts in by
// declaring `oauthWire` in its middleware; app.onError then renders any failure of it this way.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { ApiError, ErrorCode } from "../errors";
import type { AppEnv } from "../lib/types";

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_token"
  | "unsupported_token_type"
  | "access_denied"
  | "server_error"
  | "temporarily_unavailable";

/** A failure an OAuth endpoint answers in its own vocabulary. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 429 | 500 = error === "invalid_client" || error === "invalid_token" ? 401 : 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }
}

/** Declared in a route's `middleware`: its errors speak OAuth (see app.onError). It does nothing itself. */
export const oauthWire = createMiddleware<AppEnv>(async (_c, next) => next());

export const speaksOAuth = (c: Context<AppEnv>) => matchedRoutes(c).some((route) => route.handler === oauthWire);

// Our error codes (from shared middleware: project resolution, body limit, validation, rate limits, bearer checks) in OAuth's words.
const OAUTH_CODE_OF: Partial<Record<ErrorCode, OAuthErrorCode>> = {
  VALIDATION_ERROR: "invalid_request",
  INVALID_JSON: "invalid_request",
  UNSUPPORTED_MEDIA_TYPE: "invalid_request",
  PAYLOAD_TOO_LARGE: "invalid_request",
  NOT_FOUND: "invalid_request",
  PROJECT_DISABLED: "access_denied",
  UNAUTHORIZED: "invalid_token",
  INVALID_TOKEN: "invalid_token",
  TOKEN_EXPIRED: "invalid_token",
  USER_DISABLED: "invalid_token",
  MFA_REQUIRED: "invalid_token",
  RATE_LIMITED: "temporarily_unavailable",
  INTERNAL_ERROR: "server_error",
};

/** An ApiError (same status, same headers such as Retry-After) as an OAuth error. */
export const fromApiError = (err: ApiError): OAuthError =>
  new OAuthError(
    OAUTH_CODE_OF[err.code] ?? "invalid_request",
    // These endpoints take forms (RFC 6749 §3.2), unlike the rest of the API the shared message speaks for.
    err.code === "UNSUPPORTED_MEDIA_TYPE" ? "The body must be application/x-www-form-urlencoded" : err.message,
    err.status as OAuthError["status"],
    err.headers ?? {},
  );

export function oauthErrorResponse(c: Context<AppEnv>, err: OAuthError): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store", ...err.headers };
  // RFC 6750 §3: a bearer-protected resource (UserInfo) names the problem in WWW-Authenticate too.
  if (err.error === "invalid_token" && !headers["WWW-Authenticate"]) headers["WWW-Authenticate"] = `Bearer error="invalid_token"`;
  return c.json({ error: err.error, error_description: err.description }, err.status, headers);
}
