import type { RouteHandler } from "@hono/zod-openapi";
import { listOutbox as listOutboxRows, type OutboxRow } from "../../db/outbox.repo";
import { decodeCursor, page } from "../../lib/cursor";
import type { AppEnv } from "../../lib/types";
import type { listOutbox } from "./outbox.routes";

/** The API shape of an outbox row. */
export const toOutboxMessage = (m: OutboxRow) => ({
  id: m.id,
  to: m.to_email,
  userId: m.user_id,
  template: m.template,
  status: m.status,
  attempts: m.attempts,
  lastError: m.last_error,
  provider: m.provider,
  messageId: m.message_id,
  subject: m.subject,
  text: m.text_body,
  html: m.html_body,
  createdAt: m.created_at,
  updatedAt: m.updated_at,
});

export const listOutboxHandler: RouteHandler<typeof listOutbox, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { limit, cursor, to, template, status } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const { results } = await listOutboxRows(c.env.DB, projectId, { to, template, status, after, limit });
  const { items, nextCursor } = page(results, limit);
  return c.json({ success: true as const, data: items.map(toOutboxMessage), meta: { nextCursor } }, 200);
};
