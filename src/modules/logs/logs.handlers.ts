import type { RouteHandler } from "@hono/zod-openapi";
import { listAudit } from "../../db/audit.repo";
import { decodeCursor, page } from "../../lib/cursor";
import type { AppEnv } from "../../lib/types";
import { toAuditEvent } from "./logs.mappers";
import type { listAuditLogs } from "./logs.routes";

// Stored times are UTC ISO strings compared as text, so bounds given with an offset are converted first.
const utc = (time: string | undefined) => (time === undefined ? undefined : new Date(time).toISOString());

export const listAuditLogsHandler: RouteHandler<typeof listAuditLogs, AppEnv> = async (c) => {
  const { projectId, type, actor, outcome, from, to, limit, cursor } = c.req.valid("query");
  const prefix = type?.endsWith(".*") ? type.slice(0, -1) : undefined;
  const { results } = await listAudit(c.env.DB, {
    projectId,
    type: prefix ? undefined : type,
    typePrefix: prefix,
    actorId: actor,
    outcome,
    from: utc(from),
    to: utc(to),
    after: decodeCursor(cursor),
    limit,
  });
  const { items, nextCursor } = page(results, limit);
  return c.json({ success: true as const, data: items.map(toAuditEvent), meta: { nextCursor } }, 200);
};
