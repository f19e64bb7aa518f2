// Webhooks, their events (the outbox) and deliveries. Event writers return statements for the
// caller's own batch, so an event exists exactly when the change that caused it committed.
import type { WebhookEventType } from "../webhooks/events";
import type { Environment } from "./projects.repo";

export interface WebhookRow {
  id: string;
  project_id: string;
  url: string;
  events: string;
  description: string | null;
  enabled: number;
  secret_box: string;
  previous_secret_box: string | null;
  previous_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface DeliveryRow {
  id: string;
  project_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewWebhook {
  id: string;
  projectId: string;
  url: string;
  events: readonly string[];
  description: string | null;
  secretBox: string;
  at: string;
}

/** Inserts the webhook unless the project already has `max`; no row back means the cap was reached. */
export function insertWebhook(db: D1Database, w: NewWebhook, max: number): Promise<WebhookRow | null> {
  return db
    .prepare(
      `INSERT INTO webhooks (id, project_id, url, events, description, enabled, secret_box, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?7 WHERE (SELECT COUNT(*) FROM webhooks WHERE project_id = ?2) < ?8 RETURNING *`,
    )
    .bind(w.id, w.projectId, w.url, JSON.stringify(w.events), w.description, w.secretBox, w.at, max)
    .first<WebhookRow>();
}

export function getWebhook(db: D1Database, projectId: string, id: string): Promise<WebhookRow | null> {
  return db.prepare(`SELECT * FROM webhooks WHERE project_id = ? AND id = ?`).bind(projectId, id).first<WebhookRow>();
}

type After = { createdAt: string; id: string } | null;

export function listWebhooks(db: D1Database, projectId: string, after: After, limit: number): Promise<D1Result<WebhookRow>> {
  return db
    .prepare(`SELECT * FROM webhooks WHERE project_id = ?1 AND (?2 IS NULL OR (created_at, id) < (?2, ?3)) ORDER BY created_at DESC, id DESC LIMIT ?4`)
    .bind(projectId, after?.createdAt ?? null, after?.id ?? null, limit + 1)
    .all<WebhookRow>();
}

export interface WebhookChanges {
  url?: string;
  events?: readonly string[];
  enabled?: boolean;
  description?: string | null;
}

export function updateWebhook(db: D1Database, projectId: string, id: string, ch: WebhookChanges, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE webhooks SET url = COALESCE(?1, url), events = COALESCE(?2, events), enabled = COALESCE(?3, enabled),
         description = CASE WHEN ?4 THEN ?5 ELSE description END, updated_at = ?6
       WHERE project_id = ?7 AND id = ?8 RETURNING *`,
    )
    .bind(
      ch.url ?? null,
      ch.events ? JSON.stringify(ch.events) : null,
      ch.enabled === undefined ? null : ch.enabled ? 1 : 0,
      ch.description !== undefined ? 1 : 0,
      ch.description ?? null,
      at,
      projectId,
      id,
    );
}

export function deleteWebhook(db: D1Database, projectId: string, id: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM webhooks WHERE project_id = ? AND id = ? RETURNING id`).bind(projectId, id);
}

/** The current secret becomes the previous one (signing alongside until `previousUntil`). */
export function rotateWebhookSecret(db: D1Database, projectId: string, id: string, secretBox: string, previousUntil: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE webhooks SET previous_secret_box = secret_box, previous_expires_at = ?1, secret_box = ?2, updated_at = ?3
       WHERE project_id = ?4 AND id = ?5 RETURNING *`,
    )
    .bind(previousUntil, secretBox, at, projectId, id);
}

// ---- Events (the outbox) ----

// Snapshots as stored rows (mapped to the API shape when sent); the password hash is never copied, only whether there is one.
const USER_SNAPSHOT = `json_object('id', id, 'project_id', project_id, 'email', email, 'email_normalized', email_normalized,
  'display_name', display_name, 'password_hash', CASE WHEN password_hash IS NULL THEN NULL ELSE '' END, 'email_verified', email_verified,
  'disabled', disabled, 'created_at', created_at, 'updated_at', updated_at, 'last_login_at', last_login_at, 'metadata', metadata,
  'app_metadata', app_metadata)`;
const SESSION_SNAPSHOT = `json_object('id', id, 'project_id', project_id, 'user_id', user_id, 'user_agent', user_agent, 'ip', ip,
  'created_at', created_at, 'last_used_at', last_used_at, 'expires_at', expires_at, 'revoked_at', revoked_at,
  'revoked_reason', revoked_reason, 'amr', amr)`;

/**
 * The event rows (one per row `source` selects, only when an enabled webhook of the project
 * subscribes to `type`: nothing is written otherwise) and their deliveries, which return their
 * ids as `webhook_delivery_id` for deliveryIdsOf. Bindings: ?1 project, ?2 type, ?3 origin, ?4 at, then `more`.
 */
function eventStatements(db: D1Database, projectId: string, type: WebhookEventType, at: string, snapshot: string, source: string, ...more: unknown[]) {
  const origin = crypto.randomUUID();
  return [
    db
      .prepare(
        `INSERT INTO webhook_events (id, project_id, type, origin, data, created_at)
         SELECT 'msg_' || lower(hex(randomblob(16))), ?1, ?2, ?3, ${snapshot}, ?4 ${source}
           AND EXISTS (SELECT 1 FROM webhooks w, json_each(w.events) j WHERE w.project_id = ?1 AND w.enabled = 1 AND j.value = ?2)`,
      )
      .bind(projectId, type, origin, at, ...more),
    db
      .prepare(
        `INSERT INTO webhook_deliveries (id, project_id, webhook_id, event_id, status, attempts, next_attempt_at, created_at, updated_at)
         SELECT 'whd_' || lower(hex(randomblob(16))), e.project_id, w.id, e.id, 'pending', 0, e.created_at, e.created_at, e.created_at
         FROM webhook_events e JOIN webhooks w ON w.project_id = e.project_id AND w.enabled = 1
         WHERE e.origin = ?1 AND EXISTS (SELECT 1 FROM json_each(w.events) j WHERE j.value = e.type)
         RETURNING id AS webhook_delivery_id`,
      )
      .bind(origin),
  ];
}

/**
 * A user event, after the change that stamped the user's updated_at (or created_at) with `at`: a
 * change that did not apply (a lost race, a guard that failed) writes no event. user.deleted goes
 * before the delete instead, so its snapshot is the user as they were.
 */
export const userEvent = (db: D1Database, projectId: string, type: WebhookEventType, userId: string, at: string): D1PreparedStatement[] =>
  eventStatements(db, projectId, type, at, USER_SNAPSHOT, `FROM users WHERE project_id = ?1 AND id = ?5 AND (?2 = 'user.deleted' OR updated_at = ?4)`, userId);

/** An event for one session, after the statement that created it or revoked it at `at` (no event if it did not). */
export const sessionEvent = (db: D1Database, projectId: string, type: WebhookEventType, sessionId: string, at: string): D1PreparedStatement[] =>
  eventStatements(
    db,
    projectId,
    type,
    at,
    SESSION_SNAPSHOT,
    `FROM sessions WHERE project_id = ?1 AND id = ?5 AND (?2 = 'session.created' OR revoked_at = ?4)`,
    sessionId,
  );

/** session.revoked for each session of the user that revokeUserSessions ended at `at` for `reason`. */
export const revokedSessionsEvent = (db: D1Database, projectId: string, userId: string, reason: string, at: string): D1PreparedStatement[] =>
  eventStatements(
    db,
    projectId,
    "session.revoked",
    at,
    SESSION_SNAPSHOT,
    `FROM sessions WHERE project_id = ?1 AND user_id = ?5 AND revoked_at = ?4 AND revoked_reason = ?6`,
    userId,
    reason,
  );

/** session.revoked for each session issued to the OAuth client that revokeClientSessions ended at `at` for `reason`. */
export const clientRevokedSessionsEvent = (db: D1Database, projectId: string, clientId: string, reason: string, at: string): D1PreparedStatement[] =>
  eventStatements(
    db,
    projectId,
    "session.revoked",
    at,
    SESSION_SNAPSHOT,
    `FROM sessions WHERE project_id = ?1 AND client_id = ?5 AND revoked_at = ?4 AND revoked_reason = ?6`,
    clientId,
    reason,
  );

/** The delivery ids a batch's event statements created. */
export const deliveryIdsOf = (results: readonly D1Result[]): string[] =>
  results.flatMap((r) => (r.results ?? []).flatMap((row) => (row as { webhook_delivery_id?: string }).webhook_delivery_id ?? []));

// ---- Deliveries ----

const DELIVERY = `SELECT d.*, e.type AS event_type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id`;

export function listDeliveries(
  db: D1Database,
  projectId: string,
  webhookId: string,
  f: { status?: DeliveryStatus; after: After; limit: number },
): Promise<D1Result<DeliveryRow>> {
  return db
    .prepare(
      `${DELIVERY} WHERE d.webhook_id = ?1 AND d.project_id = ?2 AND (?3 IS NULL OR d.status = ?3)
         AND (?4 IS NULL OR (d.created_at, d.id) < (?4, ?5)) ORDER BY d.created_at DESC, d.id DESC LIMIT ?6`,
    )
    .bind(webhookId, projectId, f.status ?? null, f.after?.createdAt ?? null, f.after?.id ?? null, f.limit + 1)
    .all<DeliveryRow>();
}

export function getDelivery(db: D1Database, projectId: string, webhookId: string, id: string): Promise<DeliveryRow | null> {
  return db.prepare(`${DELIVERY} WHERE d.id = ? AND d.webhook_id = ? AND d.project_id = ?`).bind(id, webhookId, projectId).first<DeliveryRow>();
}

/** Makes a failed (or waiting) delivery due now; a delivered one is never sent again (no row back). */
export function retryDelivery(db: D1Database, projectId: string, webhookId: string, id: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?1, updated_at = ?1
       WHERE id = ?2 AND webhook_id = ?3 AND project_id = ?4 AND status != 'delivered' RETURNING id`,
    )
    .bind(at, id, webhookId, projectId);
}

/** What one attempt needs, read in the batch that claimed the delivery. */
export interface ClaimedDelivery {
  id: string;
  webhook_id: string;
  attempts: number;
  event_id: string;
  event_type: string;
  event_data: string;
  event_created_at: string;
  url: string;
  enabled: number;
  secret_box: string;
  previous_secret_box: string | null;
  previous_expires_at: string | null;
  environment: Environment;
}

/**
 * Claims a due pending delivery for one attempt (attempts + 1, leased until `leaseUntil`) and reads
 * what sending needs, in one batch; null when it is not due, not pending, or another consumer has it.
 */
export async function claimDelivery(db: D1Database, id: string, at: string, leaseUntil: string): Promise<ClaimedDelivery | null> {
  const [claimed, read] = await db.batch([
    db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?1, last_attempt_at = ?2, updated_at = ?2
         WHERE id = ?3 AND status = 'pending' AND next_attempt_at <= ?2 RETURNING id`,
      )
      .bind(leaseUntil, at, id),
    db
      .prepare(
        `SELECT d.id, d.webhook_id, d.attempts, e.id AS event_id, e.type AS event_type, e.data AS event_data, e.created_at AS event_created_at,
                w.url, w.enabled, w.secret_box, w.previous_secret_box, w.previous_expires_at, p.environment
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id
         JOIN projects p ON p.id = d.project_id WHERE d.id = ?`,
      )
      .bind(id),
  ]);
  if (!claimed?.results.length) return null;
  return (read?.results[0] as ClaimedDelivery | undefined) ?? null;
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  nextAttemptAt: string | null;
  responseStatus: number | null;
  error: string | null;
  at: string;
}

export function recordAttempt(db: D1Database, id: string, o: AttemptOutcome): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE webhook_deliveries SET status = ?1, next_attempt_at = ?2, response_status = ?3, last_error = ?4, updated_at = ?5,
         delivered_at = CASE WHEN ?1 = 'delivered' THEN ?5 ELSE delivered_at END
       WHERE id = ?6 AND status = 'pending'`,
    )
    .bind(o.status, o.nextAttemptAt, o.responseStatus, o.error, o.at, id);
}

/** Pending deliveries whose attempt is overdue (the queue message was lost, or never sent): the Cron re-enqueues them. */
export function overdueDeliveries(db: D1Database, at: string, limit: number): Promise<D1Result<{ id: string }>> {
  return db
    .prepare(`SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`)
    .bind(at, limit)
    .all<{ id: string }>();
}

/** mfa.enrolled, after the statement that confirmed a TOTP factor or stored a passkey at `at` (no event if neither did). */
export const factorEnrolledEvent = (db: D1Database, projectId: string, userId: string, at: string): D1PreparedStatement[] =>
  eventStatements(
    db,
    projectId,
    "mfa.enrolled",
    at,
    USER_SNAPSHOT,
    `FROM users WHERE project_id = ?1 AND id = ?5
       AND (EXISTS (SELECT 1 FROM user_totp t WHERE t.project_id = ?1 AND t.user_id = ?5 AND t.confirmed_at = ?4)
         OR EXISTS (SELECT 1 FROM passkeys k WHERE k.project_id = ?1 AND k.user_id = ?5 AND k.created_at = ?4))`,
    userId,
  );
