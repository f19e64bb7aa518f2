import { createRoute, z } from "@hono/zod-openapi";
import {
  AuthResultSchema,
  SignInResultSchema,
  DisplayNameSchema,
  EmailSchema,
  NewPasswordSchema,
  ProjectIdParam,
  RefreshTokenBody,
  TokenPairSchema,
} from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";
import { projectMayLag } from "../../middleware/project";

const tags = ["Auth"];
const security: Array<Record<string, string[]>> = [];

export const register = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/register",
  operationId: "register",
  tags,
  security,
  summary: "Register a user",
  description:
    "Creates a user in the project and starts a session. The email is trimmed and compared case-insensitively. Passwords are 8–128 characters and may not be one of the commonest passwords. Answers 201 with the user and a token pair; 409 `EMAIL_TAKEN` when the email is already registered in this project; 403 `SIGN_UP_DISABLED` when the project's `allowSignUp` setting is off (admins can still create users).",
  request: {
    params: ProjectIdParam,
    body: jsonBody(
      z
        .object({ email: EmailSchema, password: NewPasswordSchema, displayName: DisplayNameSchema.optional() })
        .openapi("RegisterRequest", { example: { email: "user@example.com", password: "strongpassword123", displayName: "John Doe" } }),
    ),
  },
  responses: {
    201: ok(AuthResultSchema, "The user was created and is logged in."),
    ...errorResponses(...BODY_ERRORS, 403, 404, 409, 429),
  },
});

export const login = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/login",
  operationId: "login",
  tags,
  security,
  summary: "Log in with email and password",
  description:
    'Starts a new session. A wrong password and an unknown email give the same 401 `INVALID_CREDENTIALS` after the same amount of work, so responses do not reveal which emails exist. A disabled user gets 403 `USER_DISABLED` (only after a correct password). Attempts are counted before the password is checked, per account and IP (backoff), per account and per IP (README, "Rate limits"): over a limit, 429 `RATE_LIMITED` with `Retry-After`, however many requests arrive at once. An address the account signed in from in the last 30 days is exempt from the per-account limit.',
  request: {
    params: ProjectIdParam,
    body: jsonBody(
      z
        .object({ email: EmailSchema, password: z.string().min(1).max(1024) })
        .openapi("LoginRequest", { example: { email: "user@example.com", password: "strongpassword123" } }),
    ),
  },
  responses: {
    200: ok(SignInResultSchema, "Logged in (tokens), or the second-factor challenge for a user who has one (`mfaRequired`)."),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
});

export const refresh = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/refresh",
  middleware: [projectMayLag] as const,
  operationId: "refreshToken",
  tags,
  security,
  summary: "Exchange a refresh token for a new token pair",
  description:
    "Always rotates: the presented refresh token is spent and a new one is returned. A spent token presented again within 10 seconds (a retry or a concurrent duplicate) gets the same new refresh token; presented later it is treated as stolen: 401 `REFRESH_TOKEN_REUSED` and the whole session is revoked. Expired: 401 `TOKEN_EXPIRED`, also once the session reaches the project's absolute lifetime (`sessionMaxAge`, default 90 days, counted from login), which ends it; unknown or ended session: 401 `INVALID_TOKEN`.",
  request: { params: ProjectIdParam, body: jsonBody(RefreshTokenBody) },
  responses: {
    200: ok(TokenPairSchema, "A new token pair."),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
});

export const logout = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/logout",
  operationId: "logout",
  tags,
  security,
  summary: "End the session of a refresh token",
  description: "Revokes the session the refresh token belongs to. Idempotent: an already-ended session or an unknown token also answers 200.",
  request: { params: ProjectIdParam, body: jsonBody(RefreshTokenBody) },
  responses: {
    200: ok(z.object({ loggedOut: z.literal(true) }).openapi("LogoutResult"), "The session is ended."),
    ...errorResponses(...BODY_ERRORS, 403, 404),
  },
});
