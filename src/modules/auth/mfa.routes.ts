import { createRoute } from "@hono/zod-openapi";
import { userRoute } from "../../lib/user-route";
import { AuthResultSchema, ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";
import {
  ConfirmTotpRequest,
  DisableTotpRequest,
  DisableTotpResultSchema,
  RecoveryCodesSchema,
  RegenerateRecoveryCodesRequest,
  TotpEnrollmentSchema,
  VerifyMfaRequest,
} from "../../schemas/mfa";

const THROTTLED = 'Wrong codes count per account (rule `mfa.account`, backoff; README, "Rate limits"): over it, 429 `RATE_LIMITED` with `Retry-After`.';

export const enrollTotp = userRoute(
  {
    method: "post",
    path: "/api/auth/{projectId}/mfa/totp/enroll",
    operationId: "enrollTotp",
    summary: "Start turning on TOTP",
    description:
      'Creates a new TOTP secret for the current user and returns it once (`secret`, and `otpauthUrl` for a QR code). TOTP stays off until `POST /mfa/totp/confirm` proves the app has it; enrolling again replaces a pending secret. 409 `CONFLICT` when TOTP is already on (turn it off first). Allowed for a session restricted to enrolling (project `mfa: "required"`).',
    request: { params: ProjectIdParam },
    responses: { 200: ok(TotpEnrollmentSchema, "The new secret, shown once."), ...errorResponses(404, 409) },
  },
  { restricted: "allowed" },
);

export const confirmTotp = userRoute(
  {
    method: "post",
    path: "/api/auth/{projectId}/mfa/totp/confirm",
    operationId: "confirmTotp",
    summary: "Turn on TOTP with a first code",
    description: `Turns TOTP on once \`code\` matches the pending secret (±30 s), and returns 10 recovery codes, shown only this once. The current session counts as signed in with a second factor from now on (\`amr\` gains \`otp\`): under \`mfa: "required"\` refresh once to get an unrestricted access token. 401 \`INVALID_CODE\` for a wrong code; 409 \`CONFLICT\` when there is no pending enrollment or TOTP is already on. ${THROTTLED}`,
    request: { params: ProjectIdParam, body: jsonBody(ConfirmTotpRequest) },
    responses: { 200: ok(RecoveryCodesSchema, "TOTP is on; the recovery codes, shown once."), ...errorResponses(...BODY_ERRORS, 404, 409, 429) },
  },
  { restricted: "allowed" },
);

export const disableTotp = userRoute({
  method: "delete",
  path: "/api/auth/{projectId}/mfa/totp",
  operationId: "disableTotp",
  summary: "Turn off TOTP",
  description: `Turns TOTP off and deletes the recovery codes; requires a current \`code\` or one \`recoveryCode\` (401 \`INVALID_CODE\` when wrong). 409 \`CONFLICT\` when TOTP is not on. ${THROTTLED}`,
  request: { params: ProjectIdParam, body: jsonBody(DisableTotpRequest) },
  responses: { 200: ok(DisableTotpResultSchema, "TOTP is off."), ...errorResponses(...BODY_ERRORS, 404, 409, 429) },
});

export const regenerateRecoveryCodes = userRoute({
  method: "post",
  path: "/api/auth/{projectId}/mfa/recovery-codes",
  operationId: "regenerateRecoveryCodes",
  summary: "Replace the recovery codes",
  description: `Issues 10 new recovery codes (shown once) and voids the old ones; requires a current TOTP \`code\` (401 \`INVALID_CODE\` when wrong). 409 \`CONFLICT\` when TOTP is not on. ${THROTTLED}`,
  request: { params: ProjectIdParam, body: jsonBody(RegenerateRecoveryCodesRequest) },
  responses: { 200: ok(RecoveryCodesSchema, "The new recovery codes, shown once."), ...errorResponses(...BODY_ERRORS, 404, 409, 429) },
});

export const verifyMfa = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/mfa/verify",
  operationId: "verifyMfa",
  tags: ["Auth"],
  security: [],
  summary: "Complete a sign-in with a second factor",
  description: `Answers the challenge a sign-in returned (\`mfaRequired\`): \`mfaToken\` with a current TOTP \`code\` (±30 s; a code already accepted once is refused) or one \`recoveryCode\` (spent). Starts the session: the user and a token pair, with \`amr\` the first factor's plus \`otp\` (or \`recovery_code\`). The token works once, for 5 minutes, in its own project only: unknown, expired, used or out of attempts (5 wrong codes) it gets 401 \`INVALID_TOKEN\` (sign in again). A wrong code: 401 \`INVALID_CODE\`. ${THROTTLED}`,
  request: { params: ProjectIdParam, body: jsonBody(VerifyMfaRequest) },
  responses: { 200: ok(AuthResultSchema, "Signed in."), ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429) },
});
