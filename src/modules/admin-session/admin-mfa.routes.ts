import { createRoute, z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { AdminLoginResultSchema, RecoveryCodeSchema, SecondFactorProofSchema, TotpCodeSchema } from "../../schemas/admin";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";

const MfaTokenSchema = z.string().min(1).max(256).openapi({ example: "amfa_Q2hhbGxlbmdlVG9rZW5FeGFtcGxlT25seQ" });

export const adminLoginMfa = createRoute({
  method: "post",
  path: "/api/admin/login/mfa",
  operationId: "adminLoginMfa",
  tags: ["Admin"],
  security: [],
  summary: "Complete an admin login with a second factor",
  description:
    "The second step of `POST /api/admin/login` for an admin with TOTP on: send the `mfaToken` from its challenge with the authenticator app's current `code` (±30 s) or one unused `recoveryCode`, and get the session the login would have given. The `mfaToken` works once and for 5 minutes; a code's time step works once (a replay is 401 `INVALID_CODE`). A wrong code is 401 `INVALID_CODE`; an unknown, spent or expired token, or one after 5 wrong codes, is 401 `INVALID_TOKEN` (log in again). Wrong codes count per admin (rule `admin_mfa.account`): over it, 429 `RATE_LIMITED` with `Retry-After`.",
  request: {
    body: jsonBody(
      z
        .union([
          z.object({ mfaToken: MfaTokenSchema, code: TotpCodeSchema }).strict(),
          z.object({ mfaToken: MfaTokenSchema, recoveryCode: RecoveryCodeSchema }).strict(),
        ])
        .openapi("AdminLoginMfaRequest", { example: { mfaToken: "amfa_Q2hhbGxlbmdlVG9rZW5FeGFtcGxlT25seQ", code: "123456" } }),
    ),
  },
  responses: {
    200: ok(AdminLoginResultSchema, "Logged in."),
    ...errorResponses(...BODY_ERRORS, 401, 429),
  },
});

export const enrollAdminTotp = adminRoute("viewer", {
  method: "post",
  path: "/api/admin/me/mfa/totp/enroll",
  operationId: "enrollAdminTotp",
  summary: "Start turning on TOTP for the current admin",
  description:
    "Returns a new TOTP secret (base32) and its `otpauth://` URL (show it as a QR code) for an authenticator app. Nothing changes at login until `POST /api/admin/me/mfa/totp/confirm` proves the app has it; enrolling again before that replaces the pending secret. 409 `CONFLICT` when TOTP is already on (turn it off first).",
  responses: {
    200: ok(
      z
        .object({
          secret: z.string().openapi({ description: "Base32, for typing into the app by hand. Shown only here.", example: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" }),
          otpauthUrl: z.string().openapi({
            example:
              "otpauth://totp/edge-auth%20admin:admin%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=edge-auth+admin&algorithm=SHA1&digits=6&period=30",
          }),
        })
        .openapi("AdminTotpEnrollment"),
      "A pending secret.",
    ),
    ...errorResponses(409),
  },
});

export const confirmAdminTotp = adminRoute("viewer", {
  method: "post",
  path: "/api/admin/me/mfa/totp/confirm",
  operationId: "confirmAdminTotp",
  summary: "Turn on TOTP with a first code",
  description:
    "Confirms the pending secret with a current code from the app; from now on `POST /api/admin/login` answers a challenge. Returns 10 single-use recovery codes, shown only here: keep them offline. 401 `INVALID_CODE` for a wrong code (counted by rule `admin_mfa.account`, then 429 `RATE_LIMITED` with `Retry-After`); 409 `CONFLICT` when nothing is pending.",
  request: {
    body: jsonBody(
      z
        .object({ code: TotpCodeSchema })
        .strict()
        .openapi("ConfirmAdminTotpRequest", { example: { code: "123456" } }),
    ),
  },
  responses: {
    200: ok(
      z
        .object({
          recoveryCodes: z
            .array(z.string())
            .openapi({ description: "Each completes one login instead of a code. Shown only here.", example: ["7KQ2M-XW9PD", "R3TZA-6NB4C"] }),
        })
        .openapi("AdminTotpConfirmation"),
      "TOTP is on.",
    ),
    ...errorResponses(...BODY_ERRORS, 409, 429),
  },
});

export const disableAdminTotp = adminRoute("viewer", {
  method: "delete",
  path: "/api/admin/me/mfa/totp",
  operationId: "disableAdminTotp",
  summary: "Turn off TOTP for the current admin",
  description:
    "Needs a current `code` or an unused `recoveryCode` (401 `INVALID_CODE` when wrong, counted by rule `admin_mfa.account`, then 429 `RATE_LIMITED` with `Retry-After`). Removes the secret and the recovery codes; the login asks for the password only again. 409 `CONFLICT` when TOTP is not on.",
  request: { body: jsonBody(SecondFactorProofSchema) },
  responses: {
    200: ok(z.object({ disabled: z.literal(true) }).openapi("DisableAdminTotpResult"), "TOTP is off."),
    ...errorResponses(...BODY_ERRORS, 409, 429),
  },
});
