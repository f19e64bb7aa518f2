import { z } from "@hono/zod-openapi";
import { EmailSchema } from "./auth";

export const PasswordlessStartRequest = z
  .object({
    email: EmailSchema,
    redirectUrl: z.string().max(2048).optional().openapi({
      description:
        "Where the email's sign-in link leads (`<redirectUrl>?token=…&type=passwordless`). Must equal an entry of the project's `redirectUrls` exactly. Without it the email carries only the code.",
      example: "https://app.example.com/auth/callback",
    }),
  })
  .strict()
  .openapi("PasswordlessStartRequest", { example: { email: "user@example.com", redirectUrl: "https://app.example.com/auth/callback" } });

export const PasswordlessStartResult = z
  .object({ sent: z.literal(true).openapi({ description: "Always true: the answer does not tell whether the address has an account." }) })
  .openapi("PasswordlessStartResult");

const CodeVerify = z
  .object({
    email: EmailSchema,
    code: z
      .string()
      .regex(/^[0-9]{6}$/, "must be the 6 digits from the email")
      .openapi({ description: "The 6-digit code from the email.", example: "042817" }),
  })
  .strict()
  .openapi("PasswordlessCodeVerify");

const LinkVerify = z
  .object({
    token: z
      .string()
      .min(1)
      .max(512)
      .openapi({ description: "The `token` query parameter of the link in the email.", example: "pl_Qm9ndXNUb2tlbkV4YW1wbGVPbmx5Tm90UmVhbA" }),
  })
  .strict()
  .openapi("PasswordlessLinkVerify");

export const PasswordlessVerifyRequest = z
  .union([CodeVerify, LinkVerify])
  .openapi("PasswordlessVerifyRequest", { example: { email: "user@example.com", code: "042817" } });
