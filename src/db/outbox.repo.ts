// The outbox: one row per email, with its delivery state. Message bodies are stored only for
// the development provider; with a real provider the row is metadata only.
import type { TemplateName } from "./email-templates.repo";

export type OutboxStatus = "queued" | "sent" | "failed";

export interface OutboxRow {
  id: string;
  project_id: string;
  user_id: string | null;
  to_email: string;
  template: TemplateName;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  provider: string;
  message_id: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewOutboxMessage {
  id: string;
  projectId: string;
  userId: string | null;
  to: string;
  template: TemplateName;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  provider: string;
  /** Only with the development provider; null otherwise. */
  body: { subject: string; text: string; html: string } | null;
  at: string;
}

export function insertOutbox(db: D1Database, m: NewOutboxMessage): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO email_outbox (id, project_id, user_id, to_email, template, status, attempts, last_error, provider, subject, text_body, html_body, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .bind(
      m.id,
      m.projectId,
      m.userId,
      m.to,
      m.template,
      m.status,
      m.attempts,
      m.lastError,
      m.provider,
      m.body?.subject ?? null,
      m.body?.text ?? null,
      m.body?.html ?? null,
      m.at,
      m.at,
    );
}

export interface DeliveryOutcome {
  status: "sent" | "failed";
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  at: string;
}

export function recordDelivery(db: D1Database, projectId: string, id: string, d: DeliveryOutcome): D1PreparedStatement {
  return db
    .prepare(`UPDATE email_outbox SET status = ?, attempts = ?, last_error = ?, message_id = ?, updated_at = ? WHERE project_id = ? AND id = ?`)
    .bind(d.status, d.attempts, d.lastError, d.messageId, d.at, projectId, id);
}

export interface OutboxFilters {
  /** Recipient, compared case-insensitively. */
  to?: string;
  template?: TemplateName;
  status?: OutboxStatus;
  /** Keyset position: only rows strictly after this (created_at, id), newest first. */
  after?: { createdAt: string; id: string } | null;
  limit: number;
}

/** One page (plus one row, to tell whether another follows) of a project's outbox, newest first. */
export function listOutbox(db: D1Database, projectId: string, f: OutboxFilters): Promise<D1Result<OutboxRow>> {
  const where = ["project_id = ?"];
  const bindings: unknown[] = [projectId];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    bindings.push(...values);
  };
  if (f.to) add("to_email = ? COLLATE NOCASE", f.to.trim());
  if (f.template) add("template = ?", f.template);
  if (f.status) add("status = ?", f.status);
  if (f.after) add("(created_at, id) < (?, ?)", f.after.createdAt, f.after.id);
  return db
    .prepare(`SELECT * FROM email_outbox WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT ?`)
    .bind(...bindings, f.limit + 1)
    .all<OutboxRow>();
}
