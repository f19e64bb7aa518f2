import { z } from "@hono/zod-openapi";
import { PLACEHOLDERS, TEMPLATE_NAMES, templateProblems } from "../email/templates";
import { EmailSchema, NewPasswordSchema, ProjectIdParam, UserSchema } from "./auth";
import { PageQuery } from "./envelope";

// ---- Auth API ----

const RedirectUrlField = z.string().max(2048).optional().openapi({
  description: "Where the link in the email leads. Must equal an entry of the project's `redirectUrls` exactly; defaults to the first entry.",
  example: "https://app.example.com/auth/callback",
});

const EmailTokenField = z
  .string()
  .min(1)
  .max(512)
  .openapi({ description: "The `token` query parameter of the link in the email.", example: "verify_Qm9ndXNUb2tlbkV4YW1wbGVPbmx5Tm90UmVhbA" });

export const SendVerificationEmailRequest = z
  .object({ redirectUrl: RedirectUrlField })
  .strict()
  .openapi("SendVerificationEmailRequest", { example: { redirectUrl: "https://app.example.com/auth/callback" } });

export const SendVerificationEmailResult = z
  .object({ sent: z.boolean().openapi({ description: "false when the email is already verified: nothing was sent." }) })
  .openapi("SendVerificationEmailResult");

export const ConfirmEmailRequest = z.object({ token: EmailTokenField }).openapi("ConfirmEmailRequest");

export const ConfirmEmailResult = z.object({ verified: z.literal(true), user: UserSchema }).openapi("ConfirmEmailResult");

export const ForgotPasswordRequest = z
  .object({ email: EmailSchema, redirectUrl: RedirectUrlField })
  .openapi("ForgotPasswordRequest", { example: { email: "user@example.com", redirectUrl: "https://app.example.com/auth/callback" } });

export const ForgotPasswordResult = z
  .object({ accepted: z.literal(true).openapi({ description: "Always true: the answer does not tell whether the email is registered." }) })
  .openapi("ForgotPasswordResult");

export const ResetPasswordRequest = z
  .object({ token: EmailTokenField, password: NewPasswordSchema })
  .openapi("ResetPasswordRequest", { example: { token: "reset_Qm9ndXNUb2tlbkV4YW1wbGVPbmx5Tm90UmVhbA", password: "a new long passphrase" } });

export const ResetPasswordResult = z
  .object({
    passwordReset: z.literal(true),
    sessionsEnded: z.number().int().openapi({ description: "How many sessions of the user were ended.", example: 2 }),
  })
  .openapi("ResetPasswordResult");

// ---- Admin API ----

export const EmailTemplateNameSchema = z.enum(TEMPLATE_NAMES).openapi("EmailTemplateName", {
  description: "`verify_email`: the email verification link. `reset_password`: the password reset link. `passwordless`: the sign-in code (and link).",
});

export const EmailTemplateParam = ProjectIdParam.extend({
  template: z.enum(TEMPLATE_NAMES).openapi({
    param: { name: "template", in: "path", description: "Which template: `verify_email`, `reset_password` or `passwordless`." },
    example: "verify_email",
  }),
});

const placeholderList = Object.entries(PLACEHOLDERS)
  .map(([name, description]) => `\`{{${name}}}\`: ${description}`)
  .join(" ");

export const EmailTemplateSchema = z
  .object({
    template: EmailTemplateNameSchema,
    subject: z.string().openapi({ example: "Confirm your email address for {{projectName}}" }),
    text: z.string().openapi({ description: "Plain-text part.", example: "Hi {{displayName}},\n\nOpen this link to confirm {{email}}:\n\n{{link}}" }),
    html: z.string().openapi({
      description: "HTML part; placeholder values are HTML-escaped.",
      example: '<p>Hi {{displayName}},</p><p><a href="{{link}}">Confirm {{email}}</a></p>',
    }),
    customized: z.boolean().openapi({ description: "true when the project overrides the built-in default." }),
    updatedAt: z
      .string()
      .datetime()
      .nullable()
      .openapi({ description: "When the override was saved; null for the default.", example: "2026-01-01T00:00:00.000Z" }),
  })
  .openapi("EmailTemplate");

export const UpdateEmailTemplateRequest = z
  .object({
    subject: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\r\n]*$/, "must be a single line"),
    text: z.string().min(1).max(20_000),
    html: z.string().min(1).max(40_000),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const issue of templateProblems(t)) ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  })
  .openapi("UpdateEmailTemplateRequest", {
    description: `Placeholders: ${placeholderList}`,
    example: {
      subject: "Welcome to {{projectName}}: confirm your email",
      text: "Hi {{displayName}},\n\nConfirm {{email}} within {{expiresIn}}:\n\n{{link}}",
      html: '<p>Hi {{displayName}},</p><p><a href="{{link}}">Confirm {{email}}</a> within {{expiresIn}}.</p>',
    },
  });

const OutboxStatusSchema = z.enum(["queued", "sent", "failed"]).openapi("OutboxStatus", {
  description:
    "queued: handed to the provider, no answer yet. sent: accepted by the provider (or kept by the development provider). failed: not delivered; see `lastError`.",
});

const bodyNote = "Kept only with the development provider (EMAIL_PROVIDER=dev), where the outbox is the mailbox; null with a real provider.";

export const OutboxMessageSchema = z
  .object({
    id: z.string().openapi({ example: "msg_3k9xQ2bYt7xZ3mW9aA1pLq" }),
    to: z.string().openapi({ example: "user@example.com" }),
    userId: z.string().nullable().openapi({ example: "usr_8Jd2kq0xP1bYt7xZ3mW9aA" }),
    template: EmailTemplateNameSchema,
    status: OutboxStatusSchema,
    attempts: z.number().int().openapi({ description: "Delivery attempts made (0 when nothing could be sent).", example: 1 }),
    lastError: z.string().nullable().openapi({ description: "Why the last attempt failed; never holds credentials or links.", example: null }),
    provider: z.string().openapi({ example: "dev" }),
    messageId: z.string().nullable().openapi({ description: "The provider's id for the message.", example: null }),
    subject: z.string().nullable().openapi({ description: bodyNote, example: "Confirm your email address for Mobile App" }),
    text: z.string().nullable().openapi({ description: bodyNote }),
    html: z.string().nullable().openapi({ description: bodyNote }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    updatedAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
  })
  .openapi("OutboxMessage");

const filter = (name: string, description: string) => ({ param: { name, in: "query" as const, description } });

export const ListOutboxQuery = PageQuery.extend({
  to: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .openapi({ ...filter("to", "Only messages to this address (case-insensitive)."), example: "user@example.com" }),
  template: z.enum(TEMPLATE_NAMES).optional().openapi(filter("template", "Only messages of this template.")),
  status: z.enum(["queued", "sent", "failed"]).optional().openapi(filter("status", "Only messages in this state.")),
});
