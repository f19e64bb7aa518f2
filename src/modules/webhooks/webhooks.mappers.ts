import type { SessionRow } from "../../db/sessions.repo";
import type { DeliveryRow, WebhookRow } from "../../db/webhooks.repo";
import { amrOf } from "../../lib/amr";
import type { WebhookEventType } from "../../webhooks/events";

/** The Admin API shape of a webhook; never the secret (only whether a previous one still signs). */
export const toWebhook = (w: WebhookRow, at: number) => ({
  id: w.id,
  url: w.url,
  events: JSON.parse(w.events) as WebhookEventType[],
  description: w.description,
  enabled: w.enabled === 1,
  previousSecretExpiresAt: w.previous_expires_at && Date.parse(w.previous_expires_at) > at ? w.previous_expires_at : null,
  createdAt: w.created_at,
  updatedAt: w.updated_at,
});

export const toDelivery = (d: DeliveryRow) => ({
  id: d.id,
  eventId: d.event_id,
  eventType: d.event_type as WebhookEventType,
  status: d.status,
  attempts: d.attempts,
  responseStatus: d.response_status,
  lastError: d.last_error,
  lastAttemptAt: d.last_attempt_at,
  nextAttemptAt: d.status === "pending" ? d.next_attempt_at : null,
  deliveredAt: d.delivered_at,
  createdAt: d.created_at,
});

/** A session as webhook payloads show it: who, from where, how signed in, and how it ended. */
export const toWebhookSession = (s: SessionRow) => ({
  id: s.id,
  userId: s.user_id,
  userAgent: s.user_agent,
  ip: s.ip,
  amr: amrOf(s.amr),
  createdAt: s.created_at,
  lastUsedAt: s.last_used_at,
  expiresAt: s.expires_at,
  revokedAt: s.revoked_at,
  revokedReason: s.revoked_reason,
});
