import type { RouteHandler } from "@hono/zod-openapi";
import { listAudit, type AuditRow } from "../../db/audit.repo";
import { decodeCursor, page } from "../../lib/cursor";
import type { AppEnv } from "../../lib/types";
import type { listAuditLogs } from "./logs.routes";

/** The API shape of an audit row; details are stored as JSON text. */
export const toAuditEvent = (e: AuditRow) => ({
  id: e.id,
  createdAt: e.created_at,
  type: e.type,
  outcome: e.outcome,
  actorType: e.actor_type,
  actorId: e.actor_id,
  projectId: e.project_id,
  targetType: e.target_type,
  targetId: e.target_id,
  ip: e.ip,
  userAgent: e.user_agent,
  requestId: e.request_id,
  details: JSON.parse(e.details) as Record<string, unknown>,
});

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
