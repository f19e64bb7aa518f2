import type { OutboxRow } from "../../db/outbox.repo";

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
