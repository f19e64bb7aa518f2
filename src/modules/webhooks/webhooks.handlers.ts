import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { WEBHOOK_PREVIOUS_SECRET_MS, WEBHOOKS_PER_PROJECT } from "../../config";
import { randomId } from "../../crypto/random";
import { insertAudit } from "../../db/audit.repo";
import * as repo from "../../db/webhooks.repo";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { decodeCursor, page } from "../../lib/cursor";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { enqueueLater } from "../../webhooks/delivery";
import { newWebhookSecret, sealWebhookSecret } from "../../webhooks/signing";
import { targetProblem } from "../../webhooks/target";
import { toDelivery, toWebhook } from "./webhooks.mappers";
import type * as routes from "./webhooks.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

const noSuchWebhook = () => new ApiError("NOT_FOUND", "No webhook with this id in this project");

/** 400 on `body.url` when the project may not call it. */
function checkTarget(c: Context<AppEnv>, url: string): void {
  const problem = targetProblem(url, c.get("adminProject").environment);
  if (problem) throw new ApiError("VALIDATION_ERROR", `url: ${problem}`, { details: [{ path: "url", message: problem }] });
}

const audit = (c: Context<AppEnv>, projectId: string, webhookId: string, type: string, at: string, details?: Record<string, unknown>) =>
  insertAudit(c.env.DB, adminAction(c, { type, projectId, targetType: "webhook", targetId: webhookId, details, at }));

export const createWebhookHandler: Handler<"createWebhook"> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { url, events, description } = c.req.valid("json");
  checkTarget(c, url);
  const id = randomId("whk");
  const secret = newWebhookSecret();
  const at = iso();
  const secretBox = await sealWebhookSecret(c.env.KEY_ENCRYPTION_SECRET, id, secret);
  const row = await repo.insertWebhook(c.env.DB, { id, projectId, url, events, description: description ?? null, secretBox, at }, WEBHOOKS_PER_PROJECT);
  if (!row) throw new ApiError("CONFLICT", `A project has at most ${WEBHOOKS_PER_PROJECT} webhooks`);
  await c.env.DB.batch([audit(c, projectId, id, "admin.webhook.create", at, { url, events })]);
  return c.json({ success: true as const, data: { ...toWebhook(row, now()), secret } }, 201);
};

export const listWebhooksHandler: Handler<"listWebhooks"> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const { results } = await repo.listWebhooks(c.env.DB, projectId, decodeCursor(cursor), limit);
  const { items, nextCursor } = page(results, limit);
  const at = now();
  return c.json({ success: true as const, data: items.map((w) => toWebhook(w, at)), meta: { nextCursor } }, 200);
};

async function requireWebhook(c: Context<AppEnv>, projectId: string, webhookId: string) {
  const row = await repo.getWebhook(c.env.DB, projectId, webhookId);
  if (!row) throw noSuchWebhook();
  return row;
}

export const getWebhookHandler: Handler<"getWebhook"> = async (c) => {
  const { projectId, webhookId } = c.req.valid("param");
  return c.json({ success: true as const, data: toWebhook(await requireWebhook(c, projectId, webhookId), now()) }, 200);
};

export const updateWebhookHandler: Handler<"updateWebhook"> = async (c) => {
  const { projectId, webhookId } = c.req.valid("param");
  const changes = c.req.valid("json");
  if (changes.url !== undefined) checkTarget(c, changes.url);
  await requireWebhook(c, projectId, webhookId);
  const at = iso();
  const [updated] = await c.env.DB.batch([
    repo.updateWebhook(c.env.DB, projectId, webhookId, changes, at),
    audit(c, projectId, webhookId, "admin.webhook.update", at, { fields: Object.keys(changes) }),
  ]);
  const row = updated!.results[0] as repo.WebhookRow | undefined;
  if (!row) throw noSuchWebhook();
  return c.json({ success: true as const, data: toWebhook(row, now()) }, 200);
};

export const deleteWebhookHandler: Handler<"deleteWebhook"> = async (c) => {
  const { projectId, webhookId } = c.req.valid("param");
  await requireWebhook(c, projectId, webhookId);
  const at = iso();
  const [deleted] = await c.env.DB.batch([repo.deleteWebhook(c.env.DB, projectId, webhookId), audit(c, projectId, webhookId, "admin.webhook.delete", at)]);
  if (!deleted!.results.length) throw noSuchWebhook();
  return c.json({ success: true as const, data: { deleted: true as const } }, 200);
};

export const rotateWebhookSecretHandler: Handler<"rotateWebhookSecret"> = async (c) => {
  const { projectId, webhookId } = c.req.valid("param");
  await requireWebhook(c, projectId, webhookId);
  const secret = newWebhookSecret();
  const at = now();
  const [rotated] = await c.env.DB.batch([
    repo.rotateWebhookSecret(
      c.env.DB,
      projectId,
      webhookId,
      await sealWebhookSecret(c.env.KEY_ENCRYPTION_SECRET, webhookId, secret),
      iso(at + WEBHOOK_PREVIOUS_SECRET_MS),
      iso(at),
    ),
    audit(c, projectId, webhookId, "admin.webhook.rotate_secret", iso(at)),
  ]);
  const row = rotated!.results[0] as repo.WebhookRow | undefined;
  if (!row) throw noSuchWebhook();
  return c.json({ success: true as const, data: { ...toWebhook(row, at), secret } }, 200);
};

export const listWebhookDeliveriesHandler: Handler<"listWebhookDeliveries"> = async (c) => {
  const { projectId, webhookId } = c.req.valid("param");
  const { limit, cursor, status } = c.req.valid("query");
  const after = decodeCursor(cursor);
  await requireWebhook(c, projectId, webhookId);
  const { results } = await repo.listDeliveries(c.env.DB, projectId, webhookId, { status, after, limit });
  const { items, nextCursor } = page(results, limit);
  return c.json({ success: true as const, data: items.map(toDelivery), meta: { nextCursor } }, 200);
};

export const retryWebhookDeliveryHandler: Handler<"retryWebhookDelivery"> = async (c) => {
  const { projectId, webhookId, deliveryId } = c.req.valid("param");
  const delivery = await repo.getDelivery(c.env.DB, projectId, webhookId, deliveryId);
  if (!delivery) throw new ApiError("NOT_FOUND", "No delivery with this id for this webhook");
  const at = iso();
  const [retried] = await c.env.DB.batch([
    repo.retryDelivery(c.env.DB, projectId, webhookId, deliveryId, at),
    audit(c, projectId, webhookId, "admin.webhook.retry_delivery", at, { deliveryId }),
  ]);
  if (!retried!.results.length) throw new ApiError("CONFLICT", "This delivery was delivered; it is never sent again");
  enqueueLater(c, [deliveryId]);
  return c.json({ success: true as const, data: { queued: true as const } }, 202);
};
