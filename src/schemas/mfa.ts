import { z } from "@hono/zod-openapi";

export const TotpCodeSchema = z
  .string()
  .regex(/^\d{6}$/, "must be the 6 digits your authenticator app shows")
  .openapi({ description: "The 6-digit code the authenticator app shows now.", example: "123456" });

export const RecoveryCodeSchema = z.string().min(1).max(64).openapi({
  description: "One of the recovery codes shown when TOTP was turned on (dashes, spaces and case do not matter); each works once.",
  example: "k7q2m-xw4ta",
});

export const TotpEnrollmentSchema = z
  .object({
    secret: z.string().openapi({
      description: "The TOTP secret (base32), shown only here: for typing into an authenticator app. Not stored by the client.",
      example: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    }),
    otpauthUrl: z.string().openapi({
      description: "The same secret as an `otpauth://` URI, to show as a QR code.",
      example: "otpauth://totp/My%20App:user%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=My+App&algorithm=SHA1&digits=6&period=30",
    }),
  })
  .openapi("TotpEnrollment");

export const RecoveryCodesSchema = z
  .object({
    recoveryCodes: z.array(z.string()).openapi({
      description: "10 single-use codes, shown only this once (stored hashed): each signs in once in place of a TOTP code.",
      example: ["k7q2m-xw4ta", "p3z9d-ne6hc"],
    }),
  })
  .openapi("RecoveryCodes");

export const ConfirmTotpRequest = z.object({ code: TotpCodeSchema }).openapi("ConfirmTotpRequest", { example: { code: "123456" } });

const codeFields = { code: TotpCodeSchema.optional(), recoveryCode: RecoveryCodeSchema.optional() };
/** A current TOTP code, or one recovery code: exactly one of the two. */
const exactlyOne = (body: { code?: string; recoveryCode?: string }) => (body.code === undefined) !== (body.recoveryCode === undefined);
const EXACTLY_ONE = { message: "Provide exactly one of code and recoveryCode" };

export const DisableTotpRequest = z
  .object(codeFields)
  .strict()
  .refine(exactlyOne, EXACTLY_ONE)
  .openapi("DisableTotpRequest", { description: "A current TOTP code or one recovery code (exactly one).", example: { code: "123456" } });

export const VerifyMfaRequest = z
  .object({
    mfaToken: z
      .string()
      .min(1)
      .max(128)
      .openapi({ description: "The `mfaToken` of the sign-in's challenge.", example: "mfa_Q2hhbGxlbmdlVG9rZW5FeGFtcGxlT25seQ" }),
    ...codeFields,
  })
  .strict()
  .refine(exactlyOne, EXACTLY_ONE)
  .openapi("VerifyMfaRequest", {
    description: "The challenge's `mfaToken` with a current TOTP code or one recovery code (exactly one).",
    example: { mfaToken: "mfa_Q2hhbGxlbmdlVG9rZW5FeGFtcGxlT25seQ", code: "123456" },
  });

export const RegenerateRecoveryCodesRequest = z.object({ code: TotpCodeSchema }).openapi("RegenerateRecoveryCodesRequest", { example: { code: "123456" } });

export const DisableTotpResultSchema = z.object({ disabled: z.literal(true) }).openapi("DisableTotpResult");

export const MfaSummarySchema = z
  .object({
    totp: z.boolean().openapi({ description: "TOTP is on (enrolled and confirmed)." }),
    passkeys: z.number().int().openapi({ description: "How many passkeys the user has.", example: 0 }),
  })
  .openapi("MfaSummary", { description: "The user's second factors." });

// A passkey as its owner and admins see it (here, beside the other factors, so schemas/passkeys.ts and auth.ts can both use it).
export const TransportsSchema = z
  .array(z.string().min(1).max(32))
  .max(10)
  .openapi({ example: ["internal", "hybrid"] });

export const PasskeySchema = z
  .object({
    id: z.string().openapi({ example: "pk_3k9xQ2mW7bYt1xZ3mW9aAa" }),
    name: z.string().openapi({ example: "MacBook Touch ID" }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    lastUsedAt: z.string().datetime().nullable().openapi({ example: "2026-01-02T00:00:00.000Z" }),
    deviceType: z
      .enum(["singleDevice", "multiDevice"])
      .openapi({ description: "`multiDevice`: a synced passkey (password manager, platform keychain); `singleDevice`: bound to one authenticator." }),
    backedUp: z.boolean().openapi({ description: "Whether the authenticator reported the passkey backed up (synced), as of its last use." }),
    transports: TransportsSchema,
  })
  .openapi("Passkey");

export const UserFactorsSchema = z
  .object({
    totp: z.object({ enabled: z.boolean(), confirmedAt: z.string().datetime().nullable() }),
    recoveryCodesLeft: z.number().int().openapi({ description: "Unused recovery codes.", example: 10 }),
    passkeys: z.array(PasskeySchema),
  })
  .openapi("UserFactors");

export const ResetFactorsResultSchema = z
  .object({ reset: z.literal(true), sessionsEnded: z.number().int().openapi({ example: 2 }) })
  .openapi("ResetFactorsResult");
