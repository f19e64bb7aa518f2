import { z } from "@hono/zod-openapi";
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../webhooks/events";
import { AMR_VALUES } from "../lib/amr";
import { ProjectIdParam } from "./auth";
import { PageQuery } from "./envelope";
import { ProjectUserSchema } from "./project-user";

const id = (name: string, description: string, example: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: "path", description }, example });

export const WebhookIdParam = ProjectIdParam.extend({ webhookId: id("webhookId", "The webhook's id.", "whk_3kq0xP1bYt7xZ3mW9aA8Jd") });
export const DeliveryIdParam = WebhookIdParam.extend({
  deliveryId: id("deliveryId", "The delivery's id, from the deliveries list.", "whd_9f2c4e1a7b3d5f60e8a1c2b3d4e5f607"),
});

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).openapi("WebhookEventType", {
  description: WEBHOOK_EVENT_TYPES.map((t) => `\`${t}\`: ${WEBHOOK_EVENTS[t].description}`).join("\n"),
});

const WebhookUrl = z.string().trim().max(2048).url().openapi({
  description:
    "Where events are POSTed. `https` to a public host name; no IP addresses, credentials, fragments or private names (`.local`, `.internal`, `.localhost`…). A project whose environment is `development` may also use `http://localhost`, `127.0.0.1` or `[::1]`. Checked again before each attempt.",
  example: "https://api.example.com/hooks/edge-auth",
});
const Events = z
  .array(WebhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, "must not repeat an event type")
  .openapi({ description: "The event types to receive.", example: ["user.created", "session.revoked"] });
const Description = z.string().trim().max(200).openapi({ example: "Sync users to the CRM" });

export const CreateWebhookRequest = z
  .object({ url: WebhookUrl, events: Events, description: Description.optional() })
  .openapi("CreateWebhookRequest", { example: { url: "https://api.example.com/hooks/edge-auth", events: ["user.created"], description: "CRM sync" } });

export const UpdateWebhookRequest = z
  .object({
    url: WebhookUrl.optional(),
    events: Events.optional(),
    enabled: z.boolean().optional().openapi({ description: "A disabled webhook gets no new deliveries; its pending ones fail when attempted." }),
    description: Description.nullable().optional(),
  })
  .openapi("UpdateWebhookRequest", { example: { enabled: false } });

export const WebhookSchema = z
  .object({
    id: z.string().openapi({ example: "whk_3kq0xP1bYt7xZ3mW9aA8Jd" }),
    url: z.string().openapi({ example: "https://api.example.com/hooks/edge-auth" }),
    events: z.array(WebhookEventTypeSchema),
    description: z.string().nullable(),
    enabled: z.boolean(),
    previousSecretExpiresAt: z
      .string()
      .datetime()
      .nullable()
      .openapi({ description: "After a rotation: until when the previous secret still signs alongside the new one (two signatures)." }),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi("Webhook");

export const WebhookWithSecretSchema = z
  .object({
    ...WebhookSchema.shape,
    secret: z.string().openapi({
      description: "The signing secret, shown only in this response: store it now. Verify deliveries with any Standard Webhooks library.",
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    }),
  })
  .openapi("WebhookWithSecret");

export const DeleteWebhookResultSchema = z.object({ deleted: z.literal(true) }).openapi("DeleteWebhookResult");

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

export const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ example: "whd_9f2c4e1a7b3d5f60e8a1c2b3d4e5f607" }),
    eventId: z.string().openapi({
      description: "Sent as `webhook-id`: the same for every attempt, so receivers can de-duplicate.",
      example: "msg_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
    }),
    eventType: WebhookEventTypeSchema,
    status: z.enum(DELIVERY_STATUSES).openapi({
      description: "`pending` (waiting for an attempt), `delivered` (a 2xx; never sent again) or `failed` (retries exhausted, or the target refused).",
    }),
    attempts: z.number().int(),
    responseStatus: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "HTTP status of the last attempt; null when none answered (timeout, connection error)." }),
    lastError: z.string().nullable(),
    lastAttemptAt: z.string().datetime().nullable(),
    nextAttemptAt: z.string().datetime().nullable().openapi({ description: "When a pending delivery is attempted next." }),
    deliveredAt: z.string().datetime().nullable(),
    createdAt: z.string().datetime(),
  })
  .openapi("WebhookDelivery");

export const ListDeliveriesQuery = PageQuery.extend({
  status: z
    .enum(DELIVERY_STATUSES)
    .optional()
    .openapi({ param: { name: "status", in: "query", description: "Only deliveries in this state." } }),
});

export const RetryDeliveryResultSchema = z.object({ queued: z.literal(true) }).openapi("RetryDeliveryResult");

// ---- Payloads (the spec's `webhooks`) ----

export const WebhookSessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_4fQ9xk2LmN0pR7sT1uV3wY" }),
    userId: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    amr: z.array(z.enum(AMR_VALUES)).openapi({ description: "How the session was signed in." }),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime(),
    expiresAt: z.string().datetime(),
    revokedAt: z.string().datetime().nullable(),
    revokedReason: z.string().nullable().openapi({ example: "logout" }),
  })
  .openapi("WebhookSession");

const PAYLOAD_DATA = { user: ProjectUserSchema, session: WebhookSessionSchema } as const;

/** The body of each event type: `{ type, timestamp, data }` (Standard Webhooks), data as the Admin API shows it. */
export const webhookPayloadSchema = (type: WebhookEventType) =>
  z
    .object({
      type: z.literal(type),
      timestamp: z.string().datetime().openapi({ description: "When the change happened (ISO-8601 UTC)." }),
      data: PAYLOAD_DATA[WEBHOOK_EVENTS[type].subject],
    })
    .openapi(
      `${type
        .split(/[._]/)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("")}Event`,
    );
