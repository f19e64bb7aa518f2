import { createRouter } from "../../lib/create-router";
import { jsonBody } from "../../schemas/envelope";
import { webhookPayloadSchema } from "../../schemas/webhook";
import { WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS } from "../../webhooks/events";
import * as handlers from "./webhooks.handlers";
import * as routes from "./webhooks.routes";

export const webhooks = createRouter()
  .openapi(routes.createWebhook, handlers.createWebhookHandler)
  .openapi(routes.listWebhooks, handlers.listWebhooksHandler)
  .openapi(routes.getWebhook, handlers.getWebhookHandler)
  .openapi(routes.updateWebhook, handlers.updateWebhookHandler)
  .openapi(routes.deleteWebhook, handlers.deleteWebhookHandler)
  .openapi(routes.rotateWebhookSecret, handlers.rotateWebhookSecretHandler)
  .openapi(routes.listWebhookDeliveries, handlers.listWebhookDeliveriesHandler)
  .openapi(routes.retryWebhookDelivery, handlers.retryWebhookDeliveryHandler);

// The spec's `webhooks`: one entry per event type, documenting the body each receiver gets.
webhooks.openAPIRegistry.registerComponent("securitySchemes", "webhookSignature", {
  type: "apiKey",
  in: "header",
  name: "webhook-signature",
  description:
    "Standard Webhooks signature(s) over `webhook-id`, `webhook-timestamp` and the body, made with the webhook's `whsec_…` secret: the receiver verifies it.",
});
for (const type of WEBHOOK_EVENT_TYPES) {
  webhooks.openAPIRegistry.registerWebhook({
    method: "post",
    path: type,
    operationId: `${type.replace(/[._](\w)/g, (_, ch: string) => ch.toUpperCase())}Webhook`,
    tags: ["Webhooks"],
    security: [{ webhookSignature: [] }],
    summary: `Event ${type}`,
    description: `${WEBHOOK_EVENTS[type].description}\n\nPOSTed to each enabled webhook subscribed to \`${type}\`, signed per Standard Webhooks: verify \`webhook-signature\` over \`webhook-id\`, \`webhook-timestamp\` and the exact body with the webhook's secret, and de-duplicate on \`webhook-id\`.`,
    request: { body: jsonBody(webhookPayloadSchema(type)) },
    responses: { 200: { description: "Any 2xx acknowledges the event. Anything else, a redirect, or no answer within 10 s is retried with backoff." } },
  });
}
