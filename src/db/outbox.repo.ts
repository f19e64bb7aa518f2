// The outbox: one row per email, with its delivery state. Message bodies are stored only for
// the development provider; with a real provider the row is metadata only, plus the sealed
// message while it waits for the queue (erased once the row is sent or failed).
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
  /** When a queued row is due (or its attempt's lease ends); null without a queue. */
  next_attempt_at: string | null;
  /** The message sealed for the queue's consumer (real providers only, while queued). */
  sealed_body: string | null;
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
  /** Delivered through the queue: due at this time, with the message sealed for the consumer. */
  queued?: { nextAttemptAt: string; sealedBody: string };
  at: string;
}

export function insertOutbox(db: D1Database, m: NewOutboxMessage): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO email_outbox (id, project_id, user_id, to_email, template, status, attempts, last_error, provider, subject, text_body, html_body, next_attempt_at, sealed_body, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      m.queued?.nextAttemptAt ?? null,
      m.queued?.sealedBody ?? null,
      m.at,
      m.at,
    );
}

export interface DeliveryOutcome {
  /** "queued" with nextAttemptAt: a retry is due then. */
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
  nextAttemptAt?: string | null;
  at: string;
}

/** Records an attempt's outcome on a row still queued (so nothing overwrites a sent row); the sealed message goes with the last attempt. */
export function recordDelivery(db: D1Database, projectId: string, id: string, d: DeliveryOutcome): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE email_outbox SET status = ?1, attempts = ?2, last_error = ?3, message_id = ?4, next_attempt_at = ?5, updated_at = ?6,
              sealed_body = CASE WHEN ?1 = 'queued' THEN sealed_body END
       WHERE project_id = ?7 AND id = ?8 AND status = 'queued'`,
    )
    .bind(d.status, d.attempts, d.lastError, d.messageId, d.status === "queued" ? (d.nextAttemptAt ?? null) : null, d.at, projectId, id);
}

export type ClaimedEmail = Pick<OutboxRow, "id" | "project_id" | "template" | "provider" | "to_email" | "attempts" | "sealed_body" | "created_at">;

/**
 * Takes a queued row that is due for one attempt: counts the attempt and moves next_attempt_at to
 * `leaseUntil`, so a duplicate message (or a second consumer) finds nothing to do. Null when the
 * row is sent, failed, not due, or held by another attempt.
 */
export async function claimEmail(db: D1Database, id: string, at: string, leaseUntil: string): Promise<ClaimedEmail | null> {
  return db
    .prepare(
      `UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = ?1, updated_at = ?2
       WHERE id = ?3 AND status = 'queued' AND next_attempt_at <= ?2
       RETURNING id, project_id, template, provider, to_email, attempts, sealed_body, created_at`,
    )
    .bind(leaseUntil, at, id)
    .first<ClaimedEmail>();
}

/** Queued emails whose attempt is overdue (a message lost, a Worker gone mid-attempt), oldest first. */
export function overdueEmails(db: D1Database, at: string, limit: number): Promise<D1Result<{ id: string }>> {
  return db
    .prepare(`SELECT id FROM email_outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`)
    .bind(at, limit)
    .all<{ id: string }>();
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
