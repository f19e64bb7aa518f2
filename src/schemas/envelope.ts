import { z } from "@hono/zod-openapi";
import { MAX_BODY_BYTES } from "../config";
import type { ErrorCode, ErrorStatus } from "../errors";
import { ErrorSchema } from "./error";

const JSON_TYPE = "application/json";

// `{ success: true, data }`, the body of every 2xx response.
export const okEnvelope = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data });

/** `limit` and `cursor`, the query of every keyset-paginated list. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .openapi({ param: { name: "limit", in: "query", description: "Page size, 1–100." }, example: 50 }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ param: { name: "cursor", in: "query", description: "`meta.nextCursor` of the previous page; omit for the first page." } }),
});

/** The optional `search` filter of a list: what it matches is the list's to say. */
export const searchQuery = (description: string, example: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: "search", in: "query", description }, example });

export const PageMetaSchema = z
  .object({
    nextCursor: z.string().nullable().openapi({ description: "Opaque cursor for the next page; null on the last page." }),
  })
  .openapi("PageMeta");

// `{ success: true, data: [...], meta: { nextCursor } }`, the body of every list.
export const listEnvelope = <T extends z.ZodType>(item: T) => z.object({ success: z.literal(true), data: z.array(item), meta: PageMetaSchema });

export const ok = <T extends z.ZodType>(data: T, description: string) => ({
  description,
  content: { [JSON_TYPE]: { schema: okEnvelope(data) } },
});

export const okList = <T extends z.ZodType>(item: T, description: string) => ({
  description,
  content: { [JSON_TYPE]: { schema: listEnvelope(item) } },
});

export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { [JSON_TYPE]: { schema } },
});

/** The description and example of each error status, shared by route declarations and the spec's post-processing. */
export const ERROR_DOCS: Record<ErrorStatus, { description: string; code: ErrorCode; error: string }> = {
  400: { description: "Invalid input: malformed JSON or a field that fails validation.", code: "VALIDATION_ERROR", error: "email: Invalid email address" },
  401: { description: "Missing, invalid or expired credentials.", code: "UNAUTHORIZED", error: "Missing or invalid credentials" },
  403: { description: "Authenticated but not allowed: insufficient role, or a disabled project or user.", code: "FORBIDDEN", error: "Not allowed" },
  404: { description: "The resource does not exist (or is not visible to the caller).", code: "NOT_FOUND", error: "Not found" },
  409: { description: "Conflicts with the current state (e.g. a taken email or id).", code: "CONFLICT", error: "Already exists" },
  413: {
    description: `Request body larger than the documented cap (${MAX_BODY_BYTES / 1024} KiB).`,
    code: "PAYLOAD_TOO_LARGE",
    error: `Request body exceeds ${MAX_BODY_BYTES} bytes`,
  },
  415: { description: "Request body is not `application/json`.", code: "UNSUPPORTED_MEDIA_TYPE", error: "Content-Type must be application/json" },
  429: { description: "Rate limited; retry after the number of seconds in `Retry-After`.", code: "RATE_LIMITED", error: "Too many requests" },
  500: {
    description: "Unexpected server error; carries no internals. Quote X-Request-Id when reporting it.",
    code: "INTERNAL_ERROR",
    error: "Internal server error",
  },
  502: {
    description: "An upstream service (e.g. an identity provider) could not be reached or answered with an error.",
    code: "UPSTREAM_ERROR",
    error: "Could not fetch https://idp.example.com/.well-known/openid-configuration: timed out",
  },
};

/** The shared Error component for each given status, with a representative example. */
export const errorResponses = <S extends ErrorStatus>(...statuses: S[]) =>
  Object.fromEntries(
    statuses.map((status) => {
      const doc = ERROR_DOCS[status];
      return [
        status,
        {
          description: doc.description,
          ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } } } } : {}),
          content: {
            [JSON_TYPE]: { schema: ErrorSchema, example: { success: false, error: doc.error, code: doc.code } },
          },
        },
      ];
    }),
  ) as unknown as { [K in S]: { description: string; content: { "application/json": { schema: typeof ErrorSchema } } } };

/** Statuses every operation with a JSON body can answer besides its own. */
export const BODY_ERRORS = [400, 413, 415] as const;

/** A documented 302: the browser is sent on to `Location` (browser steps of sign-in flows). */
export const redirectResponse = (description: string, location: string) => ({
  description,
  headers: { Location: { description: location, schema: { type: "string" as const, format: "uri" } } },
});
