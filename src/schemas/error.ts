import { z } from "@hono/zod-openapi";
import { ErrorCodeSchema } from "../errors";

export const FieldIssueSchema = z
  .object({
    path: z.string().openapi({ example: "email" }),
    message: z.string().openapi({ example: "Invalid email address" }),
  })
  .openapi("FieldIssue");

export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ description: "Human-readable message, safe to show.", example: "email: Invalid email address" }),
    code: ErrorCodeSchema,
    details: z.array(FieldIssueSchema).optional().openapi({ description: "Present on VALIDATION_ERROR: one entry per invalid field." }),
    retryAfter: z.number().int().optional().openapi({ description: "Present on RATE_LIMITED: seconds to wait, as in the Retry-After header." }),
  })
  .openapi("Error");

export type ErrorBody = z.infer<typeof ErrorSchema>;
