// Email delivery through the queue (the WEBHOOKS binding, shared with webhook deliveries): the
// request stores the outbox row with the message sealed and enqueues its id; the consumer claims
// the row, sends once, records the outcome, and asks the queue for a retry after a backoff.
import { EMAIL_LEASE_MS, EMAIL_RETRY_DELAYS_S, EMAIL_RETRY_MAX_WAIT_S, EMAIL_SWEEP_LIMIT } from "../config";
import { type AuditEntry, insertAudit } from "../db/audit.repo";
import { claimEmail, overdueEmails, recordDelivery } from "../db/outbox.repo";
import type { TemplateName } from "../db/email-templates.repo";
import { openSealed, sealingSecrets, seal } from "../crypto/box";
import { iso, now } from "../lib/clock";
import type { Bindings } from "../lib/types";
import { queuedProvider } from "./provider";
import type { Delivery, EmailProvider } from "./types";

/** A queue message for one email; webhook deliveries keep their own shape (`{ deliveryId }`). */
export interface EmailMessage {
  kind: "email";
  id: string;
}

export const isEmailMessage = (body: unknown): body is EmailMessage =>
  typeof body === "object" && body !== null && (body as EmailMessage).kind === "email" && typeof (body as EmailMessage).id === "string";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

// The sealed message is bound to its row, so a box cannot be moved to another address.
const purpose = (id: string) => `email-outbox:${id}`;

export const sealEmail = async (env: Bindings, id: string, body: RenderedEmail): Promise<string> =>
  seal(sealingSecrets(env).current, purpose(id), JSON.stringify(body));

/** Request details for the failure's audit entry (the consumer has none). */
export type AuditMeta = Pick<AuditEntry, "ip" | "userAgent" | "requestId">;

export interface OutboxTarget {
  id: string;
  projectId: string;
  template: TemplateName;
}

/**
 * Records a final or intermediate outcome (one batch with the failure's audit entry). `attempts`
 * counts the calls made to the provider; `retryAt` keeps the row queued until then.
 */
export async function recordOutcome(
  db: D1Database,
  provider: EmailProvider,
  row: OutboxTarget,
  delivery: Delivery,
  attempts: number,
  retryAt: string | null,
  meta: AuditMeta = {},
): Promise<void> {
  const at = iso();
  const outcome = delivery.ok
    ? { status: "sent" as const, attempts, lastError: null, messageId: delivery.messageId, at }
    : { status: retryAt ? ("queued" as const) : ("failed" as const), attempts, lastError: delivery.error, messageId: null, nextAttemptAt: retryAt, at };
  const statements = [recordDelivery(db, row.projectId, row.id, outcome)];
  if (!delivery.ok && !retryAt) {
    const details = { template: row.template, provider: provider.name, attempts, error: delivery.error };
    statements.push(
      insertAudit(db, {
        type: "email.delivery",
        outcome: "failure",
        actorType: "system",
        projectId: row.projectId,
        targetType: "email",
        targetId: row.id,
        details,
        at,
        ...meta,
      }),
    );
  }
  await db.batch(statements);
}

/** Seconds before the next attempt of a retryable failure, or null when this was the last one. */
export function retryDelay(attempt: number, delivery: Delivery): number | null {
  if (delivery.ok || !delivery.retryable) return null;
  const backoff = EMAIL_RETRY_DELAYS_S[attempt - 1];
  if (backoff === undefined) return null;
  return Math.min(EMAIL_RETRY_MAX_WAIT_S, Math.max(backoff, delivery.retryAfterS ?? 0));
}

export interface EmailAttempt {
  delivery: Delivery;
  /** Seconds until the retry (the row stays queued), or null: sent or failed for good. */
  delay: number | null;
}

/**
 * One attempt of a queued email, if it is due and nobody else holds it. `known` skips opening the
 * sealed copy (the request's own first attempt). Null when there was nothing to do (already sent,
 * failed, or held by another attempt), so a duplicate message sends nothing.
 */
export async function attemptEmail(env: Bindings, id: string, known?: { body: RenderedEmail; meta?: AuditMeta }): Promise<EmailAttempt | null> {
  const at = now();
  const row = await claimEmail(env.DB, id, iso(at), iso(at + EMAIL_LEASE_MS));
  if (!row) return null;
  const provider = queuedProvider(env, row.provider);
  const target = { id: row.id, projectId: row.project_id, template: row.template };
  const previousCalls = row.attempts - 1;
  const opened = known?.body ?? (row.sealed_body ? await openBody(env, row.id, row.sealed_body) : null);
  const delivery: Delivery = opened
    ? await provider.send({ to: row.to_email, ...opened, idempotencyKey: row.id })
    : { ok: false, attempts: 0, error: "the queued message could not be opened (KEY_ENCRYPTION_SECRET changed without KEY_ENCRYPTION_SECRET_PREVIOUS)" };
  const delay = retryDelay(row.attempts, delivery);
  await recordOutcome(env.DB, provider, target, delivery, previousCalls + delivery.attempts, delay === null ? null : iso(now() + delay * 1000), known?.meta);
  return { delivery, delay };
}

async function openBody(env: Bindings, id: string, box: string): Promise<RenderedEmail | null> {
  const plain = await openSealed(sealingSecrets(env), purpose(id), box);
  return plain === null ? null : (JSON.parse(plain) as RenderedEmail);
}

/** The consumer's part for one email message: ack when done, retry after the backoff otherwise. */
export async function consumeEmail(env: Bindings, message: Message<unknown>, body: EmailMessage): Promise<void> {
  try {
    const attempt = await attemptEmail(env, body.id);
    if (attempt?.delay == null) message.ack();
    else message.retry({ delaySeconds: attempt.delay });
  } catch (err) {
    // The row stays queued under its lease: the retry comes once the lease is over (or the Cron's sweep does).
    console.error(JSON.stringify({ job: "email-delivery", id: body.id, error: String(err) }));
    message.retry({ delaySeconds: EMAIL_LEASE_MS / 1000 });
  }
}

/** Re-enqueues queued emails whose attempt is overdue (a send lost, a Worker gone mid-attempt). */
export async function requeueOverdueEmails(env: Bindings, at = now()): Promise<number> {
  if (!env.WEBHOOKS) return 0;
  const { results } = await overdueEmails(env.DB, iso(at), EMAIL_SWEEP_LIMIT);
  for (let i = 0; i < results.length; i += 100) {
    await env.WEBHOOKS.sendBatch(results.slice(i, i + 100).map((r) => ({ body: { kind: "email" as const, id: r.id } })));
  }
  return results.length;
}
