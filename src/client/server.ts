// @edge-auth/client/server: verifying our access tokens in an app's own backend (a resource server).
// Offline by default: the signature is checked against the project's JWKS (fetched once, cached,
// refetched when a token names an unknown key), so no request reaches us. What offline verification
// cannot see is a revocation (logout, "end session", admin revoke, user disabled) that happened after
// the token was issued: the token keeps verifying until it expires, at most the project's
// accessTokenTtl (15 minutes by default). `verify(token, { online: true })` also asks the service
// (GET /me), for the calls where that window matters.
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from "jose";
// Types only: hono is an optional peer dependency, needed only by apps that use requireAuth.
import type { MiddlewareHandler } from "hono";
import { fail, fromFetch, networkError, ok, type ClientError, type Result } from "./result";
import type { ErrorCode } from "./types";

export type { ClientError, Result } from "./result";

/** The claims of an access token. The profile claims are absent when the project's `includeProfileClaims` is false. */
export interface AccessTokenClaims {
  /** `<baseUrl>/api/auth/<projectId>` (or the deployment's PUBLIC_URL). */
  iss: string;
  /** The project id. */
  aud: string;
  /** The user id. */
  sub: string;
  /** The session id. */
  sid: string;
  iat: number;
  exp: number;
  /** How the session was signed in: `pwd`, `otp`, `recovery_code`, `webauthn`, `email`, `fed`. */
  amr?: string[];
  /** Present on a session that may only enroll a second factor (project `mfa: "required"`); refused unless `acceptRestricted`. */
  restricted?: "mfa_enrollment";
  email?: string;
  email_verified?: boolean;
  /** The app's data about the user (roles, plan), written only through the Admin API. */
  app_metadata?: Record<string, unknown>;
  /** Tokens issued to an OAuth client (the OpenID Provider's token endpoint): the client (also as `azp`) and the granted scope. */
  client_id?: string;
  azp?: string;
  scope?: string;
}

/** A fetch the verifier can use; the global one by default. */
export type VerifierFetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface VerifierOptions {
  /** Where the service runs, e.g. https://auth.example.com */
  baseUrl: string;
  projectId: string;
  /**
   * The expected `iss`; defaults to `<baseUrl>/api/auth/<projectId>`. Set it when the service signs
   * with a PUBLIC_URL other than the baseUrl you reach it by (e.g. a service binding or internal URL).
   */
  issuer?: string;
  /** Clock skew tolerated on `exp`/`iat`, in seconds (default 30). */
  clockToleranceSeconds?: number;
  fetch?: VerifierFetch;
  /**
   * Accept tokens with a `restricted` claim (a session under `mfa: "required"` that has not enrolled a
   * second factor yet). Off by default: such tokens get 403 `MFA_REQUIRED`, as the service's own routes answer.
   */
  acceptRestricted?: boolean;
}

export interface VerifyOptions {
  /** Also ask the service whether the session still lives (one GET /me): sees revocations at once. */
  online?: boolean;
}

export interface Verifier {
  /**
   * `data` holds the claims of a valid token; otherwise `error.code` is `INVALID_TOKEN` (bad signature,
   * another project, malformed), `TOKEN_EXPIRED`, `MFA_REQUIRED` (403: a restricted token, unless `acceptRestricted`), `UNAUTHORIZED` (no token), what the service answered
   * in online mode (e.g. `INVALID_TOKEN` for an ended session, `USER_DISABLED`), or `NETWORK_ERROR`
   * (status 0) when the JWKS or the service could not be reached. Never throws.
   */
  verify(token: string | null | undefined, options?: VerifyOptions): Promise<Result<AccessTokenClaims>>;
  readonly projectId: string;
  readonly issuer: string;
}

const DEFAULT_CLOCK_TOLERANCE_S = 30;
const ALGORITHM = "ES256";

const unauthorized = (code: ErrorCode, message: string): Result<never> => fail({ status: 401, code, message, requestId: null });

/** What a jose failure means to the caller: the token's fault (401) or no answer from the JWKS (status 0). */
function failureOf(err: unknown): Result<never> {
  if (err instanceof errors.JWTExpired) return unauthorized("TOKEN_EXPIRED", "The access token has expired");
  const tokenFaults = [
    errors.JWTClaimValidationFailed,
    errors.JWTInvalid,
    errors.JWSInvalid,
    errors.JWSSignatureVerificationFailed,
    errors.JWKSNoMatchingKey,
    errors.JWKSMultipleMatchingKeys,
    errors.JOSEAlgNotAllowed,
    errors.JOSENotSupported,
  ];
  if (tokenFaults.some((fault) => err instanceof fault)) return unauthorized("INVALID_TOKEN", "The access token is invalid");
  return networkError(err);
}

export function createVerifier(options: VerifierOptions): Verifier {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const projectBase = `${baseUrl}/api/auth/${encodeURIComponent(options.projectId)}`;
  const issuer = options.issuer ?? projectBase;
  const doFetch: VerifierFetch = options.fetch ?? ((input, init) => fetch(input, init));
  // jose caches the set, and refetches on an unknown kid at most once per cooldown (30 s): a key rotation is picked up, a flood of bogus kids is not.
  const keys = createRemoteJWKSet(new URL(`${projectBase}/.well-known/jwks.json`), { [customFetch]: (url, init) => doFetch(url, init) });

  async function offline(token: string): Promise<Result<AccessTokenClaims>> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: [ALGORITHM],
        issuer,
        audience: options.projectId,
        typ: "at+jwt",
        clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_S,
        requiredClaims: ["sub", "sid", "iat", "exp"],
      });
      if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return unauthorized("INVALID_TOKEN", "The access token is invalid");
      if (payload.restricted !== undefined && !options.acceptRestricted) {
        return fail({ status: 403, code: "MFA_REQUIRED", message: "This session may only enroll a second factor; enroll one, then refresh", requestId: null });
      }
      return ok(payload as unknown as AccessTokenClaims);
    } catch (err) {
      return failureOf(err);
    }
  }

  async function online(token: string, claims: AccessTokenClaims): Promise<Result<AccessTokenClaims>> {
    // A client's token is asked about where it is valid: UserInfo (the JSON API's /me refuses it). Both check the session live.
    const path = claims.client_id ? "/oauth2/userinfo" : "/me";
    let response: Response;
    try {
      response = await doFetch(`${projectBase}${path}`, { method: "GET", headers: { Authorization: `Bearer ${token}` } });
    } catch (err) {
      return networkError(err);
    }
    if (response.ok) return ok(claims);
    // UserInfo answers in OAuth's words: an invalid_token is our INVALID_TOKEN.
    if (claims.client_id && response.status === 401) return unauthorized("INVALID_TOKEN", "The session of this access token has ended");
    const body = (await response.json().catch(() => undefined)) as { error: string; code: ErrorCode } | undefined;
    return fromFetch<AccessTokenClaims>({ error: body?.code ? body : undefined, response });
  }

  return {
    projectId: options.projectId,
    issuer,
    async verify(token, verifyOptions = {}) {
      if (!token) return unauthorized("UNAUTHORIZED", "An access token is required");
      const checked = await offline(token);
      if (checked.error || !verifyOptions.online) return checked;
      return online(token, checked.data);
    },
  };
}

/** The context variables requireAuth sets: `new Hono<{ Variables: AuthVariables }>()`, then `c.get("auth")`. */
export type AuthVariables = { auth: AccessTokenClaims };

export interface RequireAuthOptions {
  /** Verify online (GET /me) on every request: revocations are seen at once, at one call to the service per request. */
  online?: boolean;
}

const BEARER = /^Bearer[ ]+([^ ]+)[ ]*$/i;

/** The HTTP status a failed verification answers: the service's own for online refusals, 502 when it could not be asked. */
const statusOf = (error: ClientError): 401 | 403 | 502 => (error.status === 403 ? 403 : error.status === 0 || error.status >= 500 ? 502 : 401);

/**
 * Hono middleware: verifies the `Authorization: Bearer` access token, puts its claims on the context
 * (`c.get("auth")`) and calls the next handler; otherwise answers in the service's envelope,
 * `{ success: false, error, code }`: 401 `UNAUTHORIZED` (no token), `INVALID_TOKEN`, `TOKEN_EXPIRED`;
 * in online mode also the service's 403 (`USER_DISABLED`, `PROJECT_DISABLED`); 502 `UPSTREAM_ERROR`
 * when the JWKS or the service could not be reached.
 */
export function requireAuth(verifier: Verifier, options: RequireAuthOptions = {}): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header("Authorization");
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (header && !token) {
      c.header("WWW-Authenticate", "Bearer");
      return c.json({ success: false, error: "Authorization must be `Bearer <access token>`", code: "UNAUTHORIZED" }, 401);
    }
    const result = await verifier.verify(token, { online: options.online });
    if (result.error) {
      const status = statusOf(result.error);
      const code = status === 502 ? "UPSTREAM_ERROR" : result.error.code;
      const message = status === 502 ? "The auth service could not be reached to verify the token" : result.error.message;
      // RFC 6750 §3: a bare challenge when no token came, `invalid_token` when one was refused.
      if (status === 401) c.header("WWW-Authenticate", result.error.code === "UNAUTHORIZED" ? "Bearer" : `Bearer error="invalid_token"`);
      return c.json({ success: false, error: message, code }, status);
    }
    c.set("auth", result.data);
    await next();
  };
}
