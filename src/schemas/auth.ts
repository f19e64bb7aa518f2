import { z } from "@hono/zod-openapi";
import { METADATA_MAX_BYTES } from "../config";
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from "../crypto/password";
import { MfaSummarySchema } from "./mfa";

export const ProjectIdParam = z.object({
  projectId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "projectId", in: "path", description: "The project's id (a readable slug, e.g. `mobile_app`)." }, example: "mobile_app" }),
});

export const EmailSchema = z.string().trim().max(254).email().openapi({ example: "user@example.com" });

/** A new password: 8–128 characters, not one of the 10,000 commonest (NIST SP 800-63B). */
export const NewPasswordSchema = z
  .string()
  .min(PASSWORD_MIN)
  .max(PASSWORD_MAX)
  .superRefine((value, ctx) => {
    const problem = value.length >= PASSWORD_MIN && value.length <= PASSWORD_MAX ? passwordProblem(value) : null;
    if (problem) ctx.addIssue({ code: "custom", message: `Password ${problem}` });
  })
  .openapi({ example: "strongpassword123", description: "8–128 characters; the commonest passwords are refused." });

export const DisplayNameSchema = z.string().trim().min(1).max(100).openapi({ example: "John Doe" });

const METADATA_DESCRIPTION = {
  metadata: "The user's own data (preferences, onboarding state): any JSON object up to 4 KiB, written by the user through `PATCH /me`. Not in access tokens.",
  appMetadata:
    "The app's data about the user (roles, plan): any JSON object up to 4 KiB, written only through the Admin API, so the user cannot change it. Carried in access tokens as `app_metadata` unless the project's `includeProfileClaims` is false.",
} as const;

const serializedBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** A metadata object as a request field: a JSON object of at most METADATA_MAX_BYTES serialized. */
export const metadataInput = (field: keyof typeof METADATA_DESCRIPTION) =>
  z
    .record(z.string(), z.unknown())
    .refine((value) => serializedBytes(value) <= METADATA_MAX_BYTES, `must be at most ${METADATA_MAX_BYTES} bytes as JSON`)
    .openapi({
      description: `${METADATA_DESCRIPTION[field]} Replaces the whole object; \`{}\` clears it.`,
      example: field === "metadata" ? { theme: "dark" } : { roles: ["editor"] },
    });

/** A metadata object as a response field. */
const metadataOutput = (field: keyof typeof METADATA_DESCRIPTION) =>
  z
    .record(z.string(), z.unknown())
    .openapi({ description: METADATA_DESCRIPTION[field], example: field === "metadata" ? { theme: "dark" } : { roles: ["editor"] } });

/** Both metadata objects, as every user shape of the API returns them. */
export const metadataFields = { metadata: metadataOutput("metadata"), appMetadata: metadataOutput("appMetadata") };

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: "usr_8Jd2kq0xP1bYt7xZ3mW9aA" }),
    email: z.string().openapi({ example: "user@example.com" }),
    displayName: z.string().nullable().openapi({ example: "John Doe" }),
    emailVerified: z.boolean(),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    ...metadataFields,
  })
  .openapi("User");

export const ProfileSchema = z
  .object({
    ...UserSchema.shape,
    updatedAt: z.string().datetime(),
    lastLoginAt: z.string().datetime().nullable(),
    mfa: MfaSummarySchema,
  })
  .openapi("Profile");

export const SessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_4fQ9xk2LmN0pR7sT1uV3wY" }),
    userAgent: z.string().nullable().openapi({ example: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)" }),
    ip: z.string().nullable().openapi({ example: "203.0.113.7" }),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime(),
    expiresAt: z.string().datetime().openapi({ description: "When the session ends unless refreshed before; never after `absoluteExpiresAt`." }),
    absoluteExpiresAt: z.string().datetime().openapi({
      description: "When the session ends however often it is refreshed: `createdAt` plus the project's `sessionMaxAge`. The user then logs in again.",
    }),
    current: z.boolean().openapi({ description: "True for the session of the access token making this request." }),
    clientId: z.string().nullable().openapi({
      description:
        "The OAuth client (app) this session was issued to through the OpenID Provider; null for a sign-in through the Auth API itself (including the hosted page's single sign-on session).",
      example: null,
    }),
  })
  .openapi("Session");

export const TokenPairSchema = z
  .object({
    accessToken: z.string().openapi({
      description: "ES256 JWT; send as `Authorization: Bearer <token>`.",
      example: "eyJhbGciOiJFUzI1NiIsImtpZCI6ImtleV8uLi4iLCJ0eXAiOiJhdCtqd3QifQ...",
    }),
    refreshToken: z
      .string()
      .openapi({ description: "Opaque, single use: every refresh returns a new one.", example: "rt_Qm9ndXNUb2tlbkV4YW1wbGVPbmx5Tm90UmVhbA" }),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires.", example: 900 }),
  })
  .openapi("TokenPair");

// Flat objects rather than `extend` (which becomes allOf): simpler for every client generator.
export const AuthResultSchema = z.object({ user: UserSchema, ...TokenPairSchema.shape }).openapi("AuthResult");

export const MfaMethodSchema = z.enum(["totp", "recovery_code", "webauthn"]).openapi("MfaMethod", {
  description:
    "`totp` and `recovery_code`: answer with `POST /mfa/verify`; `webauthn`: sign in with a passkey instead (`/passkeys/login/*`), which needs no further step.",
});

export const MfaChallengeSchema = z
  .object({
    mfaRequired: z.literal(true),
    mfaToken: z.string().openapi({
      description: "Single use, bound to this user and project, valid for `expiresIn` seconds: send it to `POST /mfa/verify` with a code.",
      example: "mfa_Q2hhbGxlbmdlVG9rZW5FeGFtcGxlT25seQ",
    }),
    methods: z
      .array(MfaMethodSchema)
      .openapi({ description: "The second factors this user has, any one of which completes the sign-in.", example: ["totp", "recovery_code"] }),
    expiresIn: z.number().int().openapi({ description: "Seconds until `mfaToken` expires.", example: 300 }),
  })
  .openapi("MfaChallenge", { description: "The first factor was right; the user has a second factor, so no tokens yet." });

/** What a sign-in answers: tokens, or (for a user with a second factor) the challenge to complete first. */
export const SignInResultSchema = z.union([AuthResultSchema, MfaChallengeSchema]).openapi("SignInResult");

export const RefreshTokenBody = z
  .object({ refreshToken: z.string().min(1).max(512).openapi({ example: "rt_Qm9ndXNUb2tlbkV4YW1wbGVPbmx5Tm90UmVhbA" }) })
  .openapi("RefreshTokenRequest");
