import { createRoute } from "@hono/zod-openapi";
import { userRoute } from "../../lib/user-route";
import { ProjectIdParam } from "../../schemas/auth";
import {
  ConfirmEmailRequest,
  ConfirmEmailResult,
  ForgotPasswordRequest,
  ForgotPasswordResult,
  ResetPasswordRequest,
  ResetPasswordResult,
  SendVerificationEmailRequest,
  SendVerificationEmailResult,
} from "../../schemas/email";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";

const tags = ["Auth"];
const open: Array<Record<string, string[]>> = [];

const LINK =
  "The email's link is the redirect URL with `token` and `type` added to its query (`?token=…&type=verify_email` or `type=reset_password`): your app reads them there and calls the matching confirm endpoint. The redirect URL is `redirectUrl` when given — it must equal an entry of the project's `redirectUrls` exactly, else 400 `VALIDATION_ERROR` naming `redirectUrl` — or else the first entry.";
const LIMITS =
  "Sending is rate limited per account (rule `email.account`, default 5 an hour) and per client IP (`email.ip`, default 30 an hour): 429 `RATE_LIMITED` with `Retry-After`.";
const TOKENS =
  "Tokens are single use, bound to their purpose, project and the address they were mailed to. An unknown token, one already used, one of the other purpose or project, or one for an address the user no longer has: 401 `INVALID_TOKEN` (a token of the wrong purpose is left unused). An expired one: 401 `TOKEN_EXPIRED`. A disabled user: 403 `USER_DISABLED`. Unknown tokens are counted per client IP (rule `probe.ip`, default 30 in 10 minutes): over it, 429 `RATE_LIMITED` with `Retry-After`.";

export const sendVerificationEmail = userRoute({
  method: "post",
  path: "/api/auth/{projectId}/verify-email/send",
  operationId: "sendVerificationEmail",
  summary: "Email the current user a verification link",
  description: [
    "Sends the signed-in user a link that verifies their email address; it works once, for 24 hours. Earlier links stay valid until one of them is used. Send `{}` to use the default redirect URL.",
    "",
    LINK,
    "",
    "Answers 200 `{sent: true}`; 200 `{sent: false}` when the email is already verified (nothing is sent). 400 `VALIDATION_ERROR` when the project has no redirect URL configured: an admin must add one (`redirectUrls`) first. 502 `UPSTREAM_ERROR` when the email provider refused or could not be reached after retries (recorded in the outbox); try again later. Also 502 when the deployment runs the development provider (`EMAIL_PROVIDER=dev`) in production: over https on a public host, or for a project marked `production`.",
    "",
    LIMITS,
  ].join("\n"),
  request: { params: ProjectIdParam, body: jsonBody(SendVerificationEmailRequest) },
  responses: {
    200: ok(SendVerificationEmailResult, "Sent, or nothing to send."),
    ...errorResponses(...BODY_ERRORS, 404, 429, 502),
  },
});

export const confirmEmail = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/verify-email/confirm",
  operationId: "confirmEmail",
  tags,
  security: open,
  summary: "Verify an email address with the token from the link",
  description: `Marks the user's email verified and returns the user; needs no access token (the link may be opened on another device). Other verification links of the user stop working. ${TOKENS}`,
  request: { params: ProjectIdParam, body: jsonBody(ConfirmEmailRequest) },
  responses: {
    200: ok(ConfirmEmailResult, "The email is verified."),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
});

export const forgotPassword = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/password/forgot",
  operationId: "forgotPassword",
  tags,
  security: open,
  summary: "Email a password reset link",
  description: [
    "If the email belongs to an enabled user of the project, sends them a link to choose a new password; it works once, for 1 hour. Users without a password (invited) can set their first one this way.",
    "",
    "The answer is always the same 200 `{accepted: true}`, whether the email is registered or not, so it cannot be used to find out who has an account; the email itself is delivered in the background. If the project has no redirect URL configured, nothing is sent (the failure is recorded in the outbox and the audit log) and the answer is still 200.",
    "",
    LINK,
    "",
    `${LIMITS} Both count every request, registered email or not.`,
  ].join("\n"),
  request: { params: ProjectIdParam, body: jsonBody(ForgotPasswordRequest) },
  responses: {
    200: ok(ForgotPasswordResult, "Accepted; a link is on its way if the account exists."),
    ...errorResponses(...BODY_ERRORS, 403, 404, 429),
  },
});

export const resetPassword = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/password/reset",
  operationId: "resetPassword",
  tags,
  security: open,
  summary: "Set a new password with the token from the link",
  description: `Sets the new password (8–128 characters, not one of the commonest), ends every session of the user (their refresh and access tokens stop working), marks the email verified (the link proved the mailbox) and clears the account's failed-login counters. Other reset links of the user stop working. The user then logs in with the new password. ${TOKENS}`,
  request: { params: ProjectIdParam, body: jsonBody(ResetPasswordRequest) },
  responses: {
    200: ok(ResetPasswordResult, "The password is changed and every session ended."),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
});
