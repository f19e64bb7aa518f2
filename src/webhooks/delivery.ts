// Webhook delivery: handing new deliveries to the queue after their batch committed, the queue
// consumer's attempt (claim, sign, POST, record), and the Cron's re-enqueue of overdue ones.
import type { Context } from "hono";
import { WEBHOOK_ERROR_MAX_CHARS, WEBHOOK_LEASE_MS, WEBHOOK_RETRY_DELAYS_S, WEBHOOK_SWEEP_LIMIT, WEBHOOK_TIMEOUT_MS } from "../config";
import type { SessionRow } from "../db/sessions.repo";
import type { UserRow } from "../db/users.repo";
import { type ClaimedDelivery, claimDelivery, deliveryIdsOf, overdueDeliveries, recordAttempt } from "../db/webhooks.repo";
import { iso, now } from "../lib/clock";
import type { AppEnv, Bindings } from "../lib/types";
import type { JobMessage } from "../queue";
import { toProjectUser } from "../modules/project-users/project-users.mappers";
import { toWebhookSession } from "../modules/webhooks/webhooks.mappers";
import { WEBHOOK_EVENTS, type WebhookEventType } from "./events";
import { sealingSecrets } from "../crypto/box";
import { openWebhookSecret, signatureHeader } from "./signing";
import { targetProblem } from "./target";

/** The body of a WEBHOOKS queue message for one webhook delivery (the shape before emails shared the queue). */
export interface DeliveryMessage {
  deliveryId: string;
}

/** Sends delivery ids to the queue, at most 100 per call (the Queues sendBatch cap). */
export async function enqueue(queue: Queue<JobMessage>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) await queue.sendBatch(ids.slice(i, i + 100).map((deliveryId) => ({ body: { deliveryId } })));
}

/**
 * After a batch with event statements committed: queues the deliveries it created, without
 * delaying the response. A lost send is not a lost event: the Cron re-enqueues overdue deliveries.
 */
export const dispatchDeliveries = (c: Context<AppEnv>, results: readonly D1Result[]): void => enqueueLater(c, deliveryIdsOf(results));

/** Queues `ids` after the response; a failure is logged, and the Cron's sweep sends them later. */
export function enqueueLater(c: Context<AppEnv>, ids: readonly string[]): void {
  if (!ids.length || !c.env.WEBHOOKS) return;
  c.executionCtx.waitUntil(enqueue(c.env.WEBHOOKS, ids).catch((err) => console.error(JSON.stringify({ job: "webhook-enqueue", error: String(err) }))));
}

/** The exact body that is signed and sent: `{ type, timestamp, data }`, data mapped as the Admin API shows it. */
export function payloadOf(d: Pick<ClaimedDelivery, "event_type" | "event_created_at" | "event_data">): string {
  const row = JSON.parse(d.event_data);
  const subject = WEBHOOK_EVENTS[d.event_type as WebhookEventType]?.subject;
  const data = subject === "session" ? toWebhookSession(row as SessionRow) : toProjectUser(row as UserRow);
  return JSON.stringify({ type: d.event_type, timestamp: d.event_created_at, data });
}

async function send(env: Bindings, d: ClaimedDelivery, at: number): Promise<{ status: number | null; error: string | null }> {
  try {
    const secrets = [await openWebhookSecret(sealingSecrets(env), d.webhook_id, d.secret_box)];
    if (d.previous_secret_box && d.previous_expires_at && Date.parse(d.previous_expires_at) > at) {
      secrets.push(await openWebhookSecret(sealingSecrets(env), d.webhook_id, d.previous_secret_box));
    }
    const body = payloadOf(d);
    const response = await fetch(d.url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "webhook-id": d.event_id,
        "webhook-timestamp": String(Math.floor(at / 1000)),
        "webhook-signature": await signatureHeader(secrets, d.event_id, new Date(at), body),
      },
      // A redirect could lead anywhere (an internal host): it counts as a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) return { status: response.status, error: null };
    const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
    return { status: response.status, error: `HTTP ${response.status}${redirect}` };
  } catch (err) {
    // Recorded like a failed answer (a timeout, a refused connection, a secret that no longer opens), so it follows the backoff.
    return { status: null, error: String(err).slice(0, WEBHOOK_ERROR_MAX_CHARS) };
  }
}

/**
 * One attempt of a delivery, if it is due and nobody else holds it; records the outcome. Returns
 * the wait before the next attempt, or null when there is none (delivered, failed, or not ours).
 */
export async function attemptDelivery(env: Bindings, deliveryId: string): Promise<number | null> {
  const at = now();
  const d = await claimDelivery(env.DB, deliveryId, iso(at), iso(at + WEBHOOK_LEASE_MS));
  if (!d) return null;
  const refused = !d.enabled ? "the webhook is disabled" : targetProblem(d.url, d.environment);
  const { status, error } = refused ? { status: null, error: `not sent: target ${refused}` } : await send(env, d, at);
  // d.attempts counts this attempt; refusals are not retried (an admin can retry once it is fixed).
  const delay = error === null || refused ? undefined : WEBHOOK_RETRY_DELAYS_S[d.attempts - 1];
  const outcome = error === null ? "delivered" : delay === undefined ? "failed" : "pending";
  await env.DB.batch([
    recordAttempt(env.DB, d.id, {
      status: outcome,
      nextAttemptAt: delay === undefined ? null : iso(at + delay * 1000),
      responseStatus: status,
      error,
      at: iso(),
    }),
  ]);
  return delay ?? null;
}

/** The consumer's part for one webhook delivery message: ack when done, retry after its backoff otherwise. */
export async function consumeDelivery(env: Bindings, message: Message<unknown>, { deliveryId }: DeliveryMessage): Promise<void> {
  try {
    const delay = await attemptDelivery(env, deliveryId);
    if (delay === null) message.ack();
    else message.retry({ delaySeconds: delay });
  } catch (err) {
    console.error(JSON.stringify({ job: "webhook-delivery", deliveryId, error: String(err) }));
    message.retry({ delaySeconds: WEBHOOK_RETRY_DELAYS_S[0] });
  }
}

/** Re-enqueues pending deliveries whose attempt is overdue (a send lost, a Worker gone mid-attempt). */
export async function requeueOverdue(env: Bindings, at = now()): Promise<number> {
  if (!env.WEBHOOKS) return 0;
  const { results } = await overdueDeliveries(env.DB, iso(at), WEBHOOK_SWEEP_LIMIT);
  await enqueue(
    env.WEBHOOKS,
    results.map((r) => r.id),
  );
  return results.length;
}
