import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok, okList, PageQuery } from "../../schemas/envelope";
import {
  CreateWebhookRequest,
  DeleteWebhookResultSchema,
  DeliveryIdParam,
  ListDeliveriesQuery,
  RetryDeliveryResultSchema,
  UpdateWebhookRequest,
  WebhookDeliverySchema,
  WebhookIdParam,
  WebhookSchema,
  WebhookWithSecretSchema,
} from "../../schemas/webhook";

const WEBHOOKS = "/api/admin/projects/{projectId}/webhooks";
const WEBHOOK = `${WEBHOOKS}/{webhookId}`;
const NOT_FOUND = "404 `NOT_FOUND` when the project or webhook does not exist.";

export const createWebhook = adminRoute("admin", {
  method: "post",
  path: WEBHOOKS,
  operationId: "createWebhook",
  summary: "Create a webhook",
  description: `Subscribes \`url\` to the given event types. Each event is POSTed as JSON \`{ type, timestamp, data }\`, signed per Standard Webhooks (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`) with the secret returned here **once** (\`whsec_…\`); failed attempts are retried with backoff for about a day. 400 \`VALIDATION_ERROR\` for a target that is not allowed (see \`url\`); 409 \`CONFLICT\` when the project already has the maximum number of webhooks. 404 \`NOT_FOUND\` when the project does not exist.`,
  request: { params: ProjectIdParam, body: jsonBody(CreateWebhookRequest) },
  responses: { 201: ok(WebhookWithSecretSchema, "The webhook and its signing secret (shown only now)."), ...errorResponses(...BODY_ERRORS, 404, 409) },
});

export const listWebhooks = adminRoute("viewer", {
  method: "get",
  path: WEBHOOKS,
  operationId: "listWebhooks",
  summary: "List a project's webhooks",
  description: "Newest first, keyset-paginated (pass `meta.nextCursor` as `cursor`). Secrets are never shown. 404 `NOT_FOUND` when the project does not exist.",
  request: { params: ProjectIdParam, query: PageQuery },
  responses: { 200: okList(WebhookSchema, "A page of webhooks."), ...errorResponses(400, 404) },
});

export const getWebhook = adminRoute("viewer", {
  method: "get",
  path: WEBHOOK,
  operationId: "getWebhook",
  summary: "Get a webhook",
  description: `The webhook, without its secret. ${NOT_FOUND}`,
  request: { params: WebhookIdParam },
  responses: { 200: ok(WebhookSchema, "The webhook."), ...errorResponses(404) },
});

export const updateWebhook = adminRoute("admin", {
  method: "patch",
  path: WEBHOOK,
  operationId: "updateWebhook",
  summary: "Update a webhook",
  description: `Changes the target, the event types, the description, or turns the webhook off and on. A new \`url\` is checked as at creation (400 \`VALIDATION_ERROR\`). ${NOT_FOUND}`,
  request: { params: WebhookIdParam, body: jsonBody(UpdateWebhookRequest) },
  responses: { 200: ok(WebhookSchema, "The updated webhook."), ...errorResponses(...BODY_ERRORS, 404) },
});

export const deleteWebhook = adminRoute("admin", {
  method: "delete",
  path: WEBHOOK,
  operationId: "deleteWebhook",
  summary: "Delete a webhook",
  description: `Deletes the webhook with its deliveries; pending deliveries are not sent. ${NOT_FOUND}`,
  request: { params: WebhookIdParam },
  responses: { 200: ok(DeleteWebhookResultSchema, "Deleted."), ...errorResponses(404) },
});

export const rotateWebhookSecret = adminRoute("admin", {
  method: "post",
  path: `${WEBHOOK}/rotate-secret`,
  operationId: "rotateWebhookSecret",
  summary: "Rotate a webhook's signing secret",
  description: `Returns a new secret, shown only in this response. For 24 hours the previous secret keeps signing too: \`webhook-signature\` then carries two space-separated signatures, so the receiver can switch to the new secret at its own pace. ${NOT_FOUND}`,
  request: { params: WebhookIdParam },
  responses: { 200: ok(WebhookWithSecretSchema, "The webhook and its new secret (shown only now)."), ...errorResponses(404) },
});

export const listWebhookDeliveries = adminRoute("viewer", {
  method: "get",
  path: `${WEBHOOK}/deliveries`,
  operationId: "listWebhookDeliveries",
  summary: "List a webhook's deliveries",
  description: `One delivery per event sent to this webhook, newest first, with its state, attempts, the last response status or error, and the next attempt. Keyset-paginated (pass \`meta.nextCursor\` as \`cursor\`); filter by \`status\`. ${NOT_FOUND}`,
  request: { params: WebhookIdParam, query: ListDeliveriesQuery },
  responses: { 200: okList(WebhookDeliverySchema, "A page of deliveries."), ...errorResponses(400, 404) },
});

export const retryWebhookDelivery = adminRoute("admin", {
  method: "post",
  path: `${WEBHOOK}/deliveries/{deliveryId}/retry`,
  operationId: "retryWebhookDelivery",
  summary: "Retry a delivery now",
  description: `Queues one more attempt of a \`failed\` (or still \`pending\`) delivery right away; if that attempt fails, the delivery continues its backoff schedule where it stopped (\`failed\` again once none is left). 409 \`CONFLICT\` for a delivery that was \`delivered\`: a receiver that answered 2xx is never sent an event again. 404 \`NOT_FOUND\` when the project, webhook or delivery does not exist.`,
  request: { params: DeliveryIdParam },
  responses: { 202: ok(RetryDeliveryResultSchema, "The attempt is queued."), ...errorResponses(404, 409) },
});
