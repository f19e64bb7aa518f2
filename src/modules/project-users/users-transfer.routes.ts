import { z } from "@hono/zod-openapi";
import { IMPORT_MAX_BODY_BYTES, IMPORT_MAX_USERS } from "../../config";
import { adminRoute } from "../../lib/admin-route";
import { DisplayNameSchema, EmailSchema, metadataFields, metadataInput, ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, ok } from "../../schemas/envelope";

const HASH_FORMATS =
  "bcrypt (`$2a$`, `$2b$`, `$2y$`, cost ≤ 14); scrypt as passlib writes it (`$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`, base64 salt and hash, 128·N·r ≤ 64 MiB, p ≤ 16); PBKDF2-SHA256 as Django writes it (`pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`) or passlib (`$pbkdf2-sha256$<iterations>$<salt>$<hash>`), iterations ≤ 2,000,000; or this service's own export (`$scrypt$ln=..,r=..,p=..,pep=..$..$..`, peppered only with this deployment's pepper). The password is checked as given (not normalized) and the hash is replaced by this service's own at the user's first successful login.";

/** One user to import; also the shape of an exported line, so an export imports elsewhere as is. */
export const ImportUserRow = z
  .object({
    email: EmailSchema,
    displayName: DisplayNameSchema.nullable().optional(),
    emailVerified: z.boolean().optional().openapi({ description: "Defaults to false." }),
    disabled: z.boolean().optional().openapi({ description: "Defaults to false." }),
    metadata: metadataInput("metadata").optional(),
    appMetadata: metadataInput("appMetadata").optional(),
    createdAt: z.string().datetime({ offset: true }).optional().openapi({ description: "When the account was created at its source; defaults to now." }),
    passwordHash: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .openapi({ description: `The user's password hash at its source. Accepted formats: ${HASH_FORMATS}` }),
    id: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: "Ignored (ids are never reused across projects); accepted so exported lines import as they are." }),
    updatedAt: z.string().optional().openapi({ description: "Ignored, as `id`." }),
    lastLoginAt: z.string().nullable().optional().openapi({ description: "Ignored, as `id`." }),
  })
  .strict()
  .openapi("UserImportRow", {
    example: {
      email: "ada@example.com",
      displayName: "Ada",
      emailVerified: true,
      passwordHash: "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
    },
  });

const ImportResultRow = z
  .object({
    index: z.number().int().openapi({ description: "Position of the row in the request (0-based; for NDJSON, among non-empty lines)." }),
    email: z.string().nullable().openapi({ description: "The row's email as given, when it had one." }),
    status: z.enum(["created", "skipped", "error"]),
    userId: z.string().optional().openapi({ description: "The new user's id (`created`) or the existing one's (`skipped`)." }),
    reason: z.string().optional().openapi({ description: "Why the row was skipped or refused." }),
  })
  .openapi("UserImportResultRow");

export const ImportResultSchema = z
  .object({
    created: z.number().int(),
    skipped: z.number().int(),
    errors: z.number().int(),
    results: z.array(ImportResultRow),
  })
  .openapi("UserImportResult");

export const importUsers = adminRoute("admin", {
  method: "post",
  path: "/api/admin/projects/{projectId}/users/import",
  operationId: "importProjectUsers",
  summary: "Import users into a project",
  description: `Up to ${IMPORT_MAX_USERS} users per call, as a JSON array (\`application/json\`) or one JSON object per line (\`application/x-ndjson\`). Idempotent by email: a user whose email the project already has is \`skipped\` (never changed), so a failed or repeated call can simply be sent again. Each row is checked on its own: a row that fails validation is an \`error\` with its reason and nothing of it is written; the others go on. Body cap for this route only: ${IMPORT_MAX_BODY_BYTES} bytes (413 \`PAYLOAD_TOO_LARGE\` beyond; the rest of the API keeps 64 KiB). Password hashes: ${HASH_FORMATS} Audited as \`admin.users.import\` with the counts. 400 \`VALIDATION_ERROR\` when the body is not an array / not NDJSON or holds more than ${IMPORT_MAX_USERS} rows; 415 for another content type.`,
  request: {
    params: ProjectIdParam,
    body: {
      required: true,
      content: {
        "application/json": { schema: { type: "array", maxItems: IMPORT_MAX_USERS, items: { $ref: "#/components/schemas/UserImportRow" } } },
        "application/x-ndjson": { schema: { type: "string", description: "One `UserImportRow` JSON object per line." } },
      },
    },
  },
  responses: { 200: ok(ImportResultSchema, "What happened to each row."), ...errorResponses(...BODY_ERRORS, 404) },
});

export const ExportedUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    emailVerified: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastLoginAt: z.string().nullable(),
    ...metadataFields,
    passwordHash: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: "Only with `includePasswordHashes=true`: this service's hash (peppered with this deployment's PASSWORD_PEPPER, if set)." }),
  })
  .openapi("ExportedUser");

export const ExportQuery = z.object({
  includePasswordHashes: z
    .enum(["true", "false"])
    .default("false")
    .openapi({ param: { name: "includePasswordHashes", in: "query", description: "`true` adds each user's password hash (audited as such)." } }),
});

export const exportUsers = adminRoute("owner", {
  method: "get",
  path: "/api/admin/projects/{projectId}/users/export",
  operationId: "exportProjectUsers",
  summary: "Export a project's users",
  description:
    "Streams every user of the project as JSON lines (`application/x-ndjson`, one `ExportedUser` per line, newest first); each line imports elsewhere through `POST …/users/import` as it is. Password hashes only with `includePasswordHashes=true`. Audited as `admin.users.export` (with whether hashes were included).",
  request: { params: ProjectIdParam, query: ExportQuery },
  responses: {
    200: {
      description: "One ExportedUser JSON object per line.",
      // OpenAPI 3.1 has no item schema for a stream (3.2's itemSchema): the extension names it for readers and tools.
      content: { "application/x-ndjson": { schema: { type: "string" }, "x-item-schema": { $ref: "#/components/schemas/ExportedUser" } } },
    },
    ...errorResponses(400, 404),
  },
});
