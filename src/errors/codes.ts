import { z } from "@hono/zod-openapi";

// Every machine-readable error code the API can return; exported to the spec as `ErrorCode`.
export const ERROR_CODES = [
  "VALIDATION_ERROR",
  "INVALID_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNAUTHORIZED",
  "INVALID_TOKEN",
  "TOKEN_EXPIRED",
  "INVALID_CREDENTIALS",
  "INVALID_CODE",
  "FORBIDDEN",
  "MFA_REQUIRED",
  "METHOD_DISABLED",
  "SIGN_UP_DISABLED",
  "PROJECT_DISABLED",
  "USER_DISABLED",
  "NOT_FOUND",
  "CONFLICT",
  "EMAIL_TAKEN",
  "REFRESH_TOKEN_REUSED",
  "INVALID_GRANT",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
  "INTERNAL_ERROR",
  "UPSTREAM_ERROR",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorCodeSchema = z.enum(ERROR_CODES).openapi("ErrorCode", {
  description: "Machine-readable error code. Stable: clients may branch on it.",
});

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502;

// The status each code is answered with, so a code can never travel with the wrong status.
export const STATUS_OF: Record<ErrorCode, ErrorStatus> = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  INVALID_GRANT: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_CODE: 401,
  REFRESH_TOKEN_REUSED: 401,
  FORBIDDEN: 403,
  MFA_REQUIRED: 403,
  METHOD_DISABLED: 403,
  SIGN_UP_DISABLED: 403,
  PROJECT_DISABLED: 403,
  USER_DISABLED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
};
