import { createRoute } from "@hono/zod-openapi";
import { ProjectIdParam, SignInResultSchema } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";
import { PasswordlessStartRequest, PasswordlessStartResult, PasswordlessVerifyRequest } from "../../schemas/passwordless";

const tags = ["Auth"];
const security: Array<Record<string, string[]>> = [];
const DISABLED = "403 `METHOD_DISABLED` when the project's `passwordless` setting is off.";

export const passwordlessStart = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/passwordless/start",
  operationId: "passwordlessStart",
  tags,
  security,
  summary: "Email a sign-in code (and link)",
  description: [
    "Emails a 6-digit code that signs the address in for 10 minutes (5 tries), plus, when `redirectUrl` is given, a single-use link `<redirectUrl>?token=…&type=passwordless` that does the same. A new start replaces the address's previous code and link.",
    "",
    "The answer is always 200 `{sent: true}` after the same work, whether the address has an account, it is disabled, or the project does not allow sign-up; nothing is sent only when there is nobody to sign in (no account and `allowSignUp` off). Delivery happens in the background.",
    "",
    `400 \`VALIDATION_ERROR\` naming \`redirectUrl\` when it is not on the project's \`redirectUrls\`. ${DISABLED} Rate limited per address (rule \`email.account\`, default 5 an hour) and per client IP (\`email.ip\`, default 30 an hour): 429 \`RATE_LIMITED\` with \`Retry-After\`.`,
  ].join("\n"),
  request: { params: ProjectIdParam, body: jsonBody(PasswordlessStartRequest) },
  responses: {
    200: ok(PasswordlessStartResult, "Accepted; a code is on its way if there is someone to sign in."),
    ...errorResponses(...BODY_ERRORS, 403, 404, 429),
  },
});

export const passwordlessVerify = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/passwordless/verify",
  operationId: "passwordlessVerify",
  tags,
  security,
  summary: "Sign in with the emailed code or link",
  description: [
    'Send `{email, code}` (the code from the email) or `{token}` (from the link). Signs the user in (`amr: ["email"]`), or answers the second-factor challenge for a user who has one. The address counts as verified: the mail proved it. Identities linked while it was unverified are cut, and a password set while it was unverified is removed and its sessions end (it may be a squatter\'s). On first use, creates the account when the project allows sign-up.',
    "",
    "A wrong, expired, spent or replaced code, or an address with no account where sign-up is closed: 401 `INVALID_CODE`; the fifth wrong code spends it. An unknown, used or expired link: 401 `INVALID_TOKEN`. A disabled user: 403 `USER_DISABLED` (only after a correct code). " +
      DISABLED,
    "",
    "Attempts are counted per address (rule `email_code.account`, default 10 in 15 minutes) and per client IP (`email_code.ip`, default 50 in 15 minutes); a success gives its slot back. Over a limit: 429 `RATE_LIMITED` with `Retry-After`.",
  ].join("\n"),
  request: { params: ProjectIdParam, body: jsonBody(PasswordlessVerifyRequest) },
  responses: {
    200: ok(SignInResultSchema, "Signed in (tokens), or the second-factor challenge for a user who has one (`mfaRequired`)."),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
});
