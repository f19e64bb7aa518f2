import { z } from "@hono/zod-openapi";
import { AMR_VALUES } from "../lib/amr";
import { DisplayNameSchema, EmailSchema, metadataFields, metadataInput, NewPasswordSchema, ProjectIdParam } from "./auth";
import { PageQuery, searchQuery } from "./envelope";

export const UserIdParam = ProjectIdParam.extend({
  userId: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: "userId", in: "path", description: "The user's id, as returned when the user was created." },
      example: "usr_8Jd2kq0xP1bYt7xZ3mW9aA",
    }),
});

export const ListProjectUsersQuery = PageQuery.extend({
  search: searchQuery("Substring of the email or display name; case-insensitive (ASCII letters in names).", "ada"),
  status: z
    .enum(["active", "disabled"])
    .optional()
    .openapi({ param: { name: "status", in: "query", description: "Only enabled (`active`) or only `disabled` users." } }),
});

export const ProjectUserSchema = z
  .object({
    id: z.string().openapi({ example: "usr_8Jd2kq0xP1bYt7xZ3mW9aA" }),
    email: z.string().openapi({ example: "user@example.com" }),
    displayName: z.string().nullable().openapi({ example: "John Doe" }),
    emailVerified: z.boolean(),
    disabled: z.boolean().openapi({ description: "A disabled user cannot log in, refresh or use existing access tokens." }),
    hasPassword: z.boolean().openapi({ description: "False for an invited user who cannot log in until a password is set." }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    updatedAt: z.string().datetime().openapi({ example: "2026-01-02T00:00:00.000Z" }),
    lastLoginAt: z.string().datetime().nullable().openapi({ example: "2026-01-03T00:00:00.000Z" }),
    ...metadataFields,
  })
  .openapi("ProjectUser");

export const CreateProjectUserRequest = z
  .object({
    email: EmailSchema,
    password: NewPasswordSchema.optional().openapi({ description: "Omit to invite: the user cannot log in until a password is set." }),
    displayName: DisplayNameSchema.optional(),
    emailVerified: z.boolean().optional().openapi({ description: "Defaults to false." }),
  })
  .openapi("CreateProjectUserRequest", { example: { email: "ada@example.com", password: "a long user passphrase", displayName: "Ada", emailVerified: true } });

export const UpdateProjectUserRequest = z
  .object({
    displayName: DisplayNameSchema.nullable().optional(),
    email: EmailSchema.optional().openapi({ description: "Changing it resets `emailVerified` to false unless `emailVerified` is also given." }),
    emailVerified: z.boolean().optional(),
    disabled: z.boolean().optional().openapi({ description: "Disabling ends all of the user's sessions." }),
    password: NewPasswordSchema.optional().openapi({
      description: "Sets a new password, ends all of the user's sessions and spends their outstanding password-reset links.",
    }),
    metadata: metadataInput("metadata").optional(),
    appMetadata: metadataInput("appMetadata").optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "Provide at least one field to change" })
  .openapi("UpdateProjectUserRequest", { minProperties: 1, example: { disabled: true } });

export const RevokeSessionsResultSchema = z
  .object({
    revoked: z.number().int().openapi({ description: "Sessions this call ended: all of the user's sessions not already logged out or revoked.", example: 2 }),
  })
  .openapi("RevokeSessionsResult");

export const DeleteProjectUserResultSchema = z.object({ deleted: z.literal(true) }).openapi("DeleteProjectUserResult");

export const UserSessionIdParam = UserIdParam.extend({
  sessionId: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: "sessionId", in: "path", description: "The session's id, from the user's session list." },
      example: "ses_4fQ9xk2LmN0pR7sT1uV3wY",
    }),
});

export const AdminUserSessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_4fQ9xk2LmN0pR7sT1uV3wY" }),
    userAgent: z.string().nullable().openapi({ example: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)" }),
    ip: z.string().nullable().openapi({ example: "203.0.113.7" }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    lastUsedAt: z.string().datetime().openapi({ example: "2026-01-02T00:00:00.000Z" }),
    expiresAt: z
      .string()
      .datetime()
      .openapi({ description: "When the session ends unless refreshed before; never after `absoluteExpiresAt`.", example: "2026-01-31T00:00:00.000Z" }),
    absoluteExpiresAt: z.string().datetime().openapi({
      description: "`createdAt` plus the project's `sessionMaxAge`: the session ends then however often it is refreshed.",
      example: "2026-03-01T00:00:00.000Z",
    }),
    amr: z.array(z.enum(AMR_VALUES)).openapi({ description: "How the session was signed in.", example: ["pwd", "otp"] }),
    clientId: z.string().nullable().openapi({
      description:
        "The OAuth client (app) this session was issued to through the OpenID Provider; null for a sign-in through the Auth API itself (including the hosted page's single sign-on session).",
      example: null,
    }),
  })
  .openapi("AdminUserSession");

export const EndUserSessionResultSchema = z.object({ ended: z.literal(true) }).openapi("EndUserSessionResult");

export const UserIdentitySchema = z
  .object({
    provider: z.string().openapi({ description: "The social provider's slug the identity was linked through.", example: "google" }),
    issuer: z.string().openapi({ example: "https://accounts.google.com" }),
    subject: z.string().openapi({ description: "The provider's id for the user (`sub`).", example: "110248495921238986420" }),
    linkedAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    lastLoginAt: z.string().datetime().openapi({ example: "2026-01-02T00:00:00.000Z" }),
  })
  .openapi("UserIdentity");
