import { z } from "@hono/zod-openapi";

export const RoleSchema = z.enum(["owner", "admin", "viewer"]).openapi("AdminRole", {
  description: "owner: everything, including managing admins. admin: everything but admins. viewer: read only.",
});

export const AdminSchema = z
  .object({
    id: z.string().openapi({ example: "adm_2vQ8kLm0Pq1Rs7Tu9Wx3Yz" }),
    email: z.string().openapi({ example: "admin@example.com" }),
    displayName: z.string().nullable().openapi({ example: "Ada Admin" }),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: z.string().datetime(),
    lastLoginAt: z.string().datetime().nullable(),
  })
  .openapi("Admin");

export const AdminIdParam = z.object({
  adminId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "adminId", in: "path", description: "The admin's id." }, example: "adm_2vQ8kLm0Pq1Rs7Tu9Wx3Yz" }),
});

export const AdminMeSchema = z
  .object({
    ...AdminSchema.shape,
    mfa: z.object({ totp: z.boolean().openapi({ description: "Whether a confirmed TOTP factor guards this admin's login." }) }),
  })
  .openapi("AdminMe");

export const AdminLoginResultSchema = z
  .object({
    sessionToken: z.string().openapi({ example: "as_Qm9ndXNUb2tlbkV4YW1wbGVPbmx5Tm90UmVhbA" }),
    expiresAt: z.string().datetime().openapi({ description: "Absolute expiry; idle expiry comes sooner without use." }),
    admin: AdminSchema,
  })
  .openapi("AdminLoginResult");

export const AdminMfaChallengeSchema = z
  .object({
    mfaRequired: z.literal(true),
    mfaToken: z.string().openapi({
      description: "Single use, bound to this admin, valid for `expiresIn` seconds: send it to `POST /api/admin/login/mfa` with a code.",
      example: "amfa_Q2hhbGxlbmdlVG9rZW5FeGFtcGxlT25seQ",
    }),
    methods: z.array(z.enum(["totp", "recovery_code"])).openapi({
      description: "What completes the login: a code from the authenticator app, or one of the recovery codes.",
      example: ["totp", "recovery_code"],
    }),
    expiresIn: z.number().int().openapi({ description: "Seconds until `mfaToken` expires.", example: 300 }),
  })
  .openapi("AdminMfaChallenge", { description: "The password was right; the admin has TOTP on, so no session yet." });

/** What an admin login answers: a session, or (TOTP on) the challenge to complete with `POST /api/admin/login/mfa`. */
export const AdminSignInResultSchema = z.union([AdminLoginResultSchema, AdminMfaChallengeSchema]).openapi("AdminSignInResult");

export const TotpCodeSchema = z
  .string()
  .regex(/^\d{6}$/, "must be the 6-digit code the authenticator app shows")
  .openapi({ description: "The 6-digit code the authenticator app shows now.", example: "123456" });

export const RecoveryCodeSchema = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: "One of the recovery codes shown at confirmation; each works once. Case, spaces and dashes do not matter.", example: "7KQ2M-XW9PD" });

/** A second-factor proof: the current TOTP code, or one unused recovery code. */
export const SecondFactorProofSchema = z
  .union([z.object({ code: TotpCodeSchema }).strict(), z.object({ recoveryCode: RecoveryCodeSchema }).strict()])
  .openapi("AdminSecondFactorProof", { example: { code: "123456" } });
