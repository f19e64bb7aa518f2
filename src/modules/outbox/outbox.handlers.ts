import type { RouteHandler } from "@hono/zod-openapi";
import { listOutbox as listOutboxRows } from "../../db/outbox.repo";
import { decodeCursor, page } from "../../lib/cursor";
import type { AppEnv } from "../../lib/types";
import { toOutboxMessage } from "./outbox.mappers";
import type { listOutbox } from "./outbox.routes";

export const listOutboxHandler: RouteHandler<typeof listOutbox, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { limit, cursor, to, template, status } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const { results } = await listOutboxRows(c.env.DB, projectId, { to, template, status, after, limit });
  const { items, nextCursor } = page(results, limit);
  return c.json({ success: true as const, data: items.map(toOutboxMessage), meta: { nextCursor } }, 200);
};
