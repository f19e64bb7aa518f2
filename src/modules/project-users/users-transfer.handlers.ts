import type { RouteHandler } from "@hono/zod-openapi";
import { IMPORT_MAX_USERS } from "../../config";
import { importableHashProblem, type Peppers, peppersOf } from "../../crypto/password";
import { randomId } from "../../crypto/random";
import { insertAudit } from "../../db/audit.repo";
import { existingEmails, insertImportedUser, listUsers, metadataOf, normalizeEmail, type UserRow } from "../../db/users.repo";
import { ApiError } from "../../errors";
import { iso } from "../../lib/clock";
import { validationError } from "../../lib/respond";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { ImportUserRow, type exportUsers, type importUsers } from "./users-transfer.routes";

type Outcome = { index: number; email: string | null; status: "created" | "skipped" | "error"; userId?: string; reason?: string };

/** The rows of the body: a JSON array, or NDJSON (a line that is not JSON is that row's error, not the call's). */
async function rowsOf(request: Request): Promise<unknown[]> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = await request.text();
  let rows: unknown[];
  if (type === "application/json") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError("INVALID_JSON", "Request body is not valid JSON");
    }
    if (!Array.isArray(body)) throw validationError([{ path: "body", message: "must be an array of users (or send application/x-ndjson)" }]);
    rows = body;
  } else if (type === "application/x-ndjson") {
    rows = text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== "")
      .map((line) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          return NOT_JSON;
        }
      });
  } else {
    throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json or application/x-ndjson");
  }
  if (rows.length > IMPORT_MAX_USERS) throw validationError([{ path: "body", message: `at most ${IMPORT_MAX_USERS} users per call` }]);
  return rows;
}
const NOT_JSON = Symbol("not JSON");

const emailOf = (row: unknown): string | null =>
  row && typeof row === "object" && typeof (row as { email?: unknown }).email === "string" ? (row as { email: string }).email : null;

type ImportRow = ReturnType<typeof ImportUserRow.parse>;

/** The valid row, or why it is refused; `seen` collects the normalized emails of the rows accepted so far. */
function rowProblem(raw: unknown, peppers: Peppers, seen: Set<string>): ImportRow | string {
  if (raw === NOT_JSON) return "not valid JSON";
  const parsed = ImportUserRow.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`).join("; ");
  const hashProblem = parsed.data.passwordHash === undefined ? null : importableHashProblem(parsed.data.passwordHash, peppers);
  if (hashProblem) return `passwordHash: ${hashProblem}`;
  const normalized = normalizeEmail(parsed.data.email);
  if (seen.has(normalized)) return "email appears earlier in this import";
  seen.add(normalized);
  return parsed.data;
}

const STATEMENTS_PER_BATCH = 50;
const EMAILS_PER_LOOKUP = 90;

export const importUsersHandler: RouteHandler<typeof importUsers, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const rows = await rowsOf(c.req.raw);
  const peppers = peppersOf(c.env);
  const at = iso();
  const outcomes: Outcome[] = [];
  const accepted: { index: number; email: string; row: ImportRow }[] = [];
  const seen = new Set<string>();

  for (const [index, raw] of rows.entries()) {
    const email = emailOf(raw);
    const problem = rowProblem(raw, peppers, seen);
    if (typeof problem === "string") outcomes.push({ index, email, status: "error", reason: problem });
    else accepted.push({ index, email: problem.email, row: problem });
  }

  // Existing emails are skipped, never changed; a user created meanwhile is caught by the insert's ON CONFLICT.
  const existing = new Set<string>();
  for (let i = 0; i < accepted.length; i += EMAILS_PER_LOOKUP) {
    const chunk = accepted.slice(i, i + EMAILS_PER_LOOKUP).map((a) => normalizeEmail(a.email));
    for (const email of await existingEmails(c.env.DB, projectId, chunk)) existing.add(email);
  }
  const toCreate = accepted.filter((a) => {
    if (!existing.has(normalizeEmail(a.email))) return true;
    outcomes.push({ index: a.index, email: a.email, status: "skipped", reason: "a user with this email exists" });
    return false;
  });

  // One INSERT per user: a row is written whole or not at all.
  for (let i = 0; i < toCreate.length; i += STATEMENTS_PER_BATCH) {
    const chunk = toCreate.slice(i, i + STATEMENTS_PER_BATCH).map((a) => ({ ...a, id: randomId("usr") }));
    const results = await c.env.DB.batch(
      chunk.map(({ id, row }) =>
        insertImportedUser(c.env.DB, {
          id,
          projectId,
          email: row.email,
          displayName: row.displayName ?? null,
          passwordHash: row.passwordHash ?? null,
          emailVerified: row.emailVerified ?? false,
          disabled: row.disabled ?? false,
          metadata: row.metadata ?? {},
          appMetadata: row.appMetadata ?? {},
          createdAt: row.createdAt ? new Date(row.createdAt).toISOString() : at,
          updatedAt: at,
        }),
      ),
    );
    chunk.forEach(({ index, email, id }, k) => {
      if (results[k]!.results.length > 0) outcomes.push({ index, email, status: "created", userId: id });
      else outcomes.push({ index, email, status: "skipped", reason: "a user with this email exists" });
    });
  }

  outcomes.sort((a, b) => a.index - b.index);
  const count = (status: Outcome["status"]) => outcomes.filter((o) => o.status === status).length;
  const data = { created: count("created"), skipped: count("skipped"), errors: count("error"), results: outcomes };
  await insertAudit(
    c.env.DB,
    adminAction(c, {
      type: "admin.users.import",
      projectId,
      targetType: "project",
      targetId: projectId,
      details: {
        rows: rows.length,
        created: data.created,
        skipped: data.skipped,
        errors: data.errors,
        withPasswordHashes: accepted.filter((a) => a.row.passwordHash).length,
      },
      at,
    }),
  ).run();
  return c.json({ success: true as const, data }, 200);
};

const EXPORT_PAGE = 200;

const exportedLine = (u: UserRow, withHash: boolean) =>
  `${JSON.stringify({
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    emailVerified: u.email_verified === 1,
    disabled: u.disabled === 1,
    createdAt: u.created_at,
    updatedAt: u.updated_at,
    lastLoginAt: u.last_login_at,
    metadata: metadataOf(u.metadata),
    appMetadata: metadataOf(u.app_metadata),
    ...(withHash ? { passwordHash: u.password_hash } : {}),
  })}\n`;

export const exportUsersHandler: RouteHandler<typeof exportUsers, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const withHash = c.req.valid("query").includePasswordHashes === "true";
  // Audited before the first byte: an export that is cut off was still an export.
  await insertAudit(
    c.env.DB,
    adminAction(c, { type: "admin.users.export", projectId, targetType: "project", targetId: projectId, details: { includePasswordHashes: withHash } }),
  ).run();
  const db = c.env.DB;
  const encoder = new TextEncoder();
  let after: { createdAt: string; id: string } | null = null;
  let done = false;
  // Pulled page by page (keyset, newest first), so memory stays flat however many users there are.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return controller.close();
      const { results } = await listUsers(db, projectId, { after, limit: EXPORT_PAGE });
      const page = results.slice(0, EXPORT_PAGE);
      if (page.length > 0) {
        controller.enqueue(encoder.encode(page.map((u) => exportedLine(u, withHash)).join("")));
        const last = page[page.length - 1]!;
        after = { createdAt: last.created_at, id: last.id };
      }
      done = results.length <= EXPORT_PAGE;
      if (done) controller.close();
    },
  });
  // c.body, not a new Response: the request id and security headers set by middleware stay on it.
  return c.body(body, 200, {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Content-Disposition": `attachment; filename="${projectId}-users.ndjson"`,
    "Cache-Control": "no-store",
  }) as never;
};
