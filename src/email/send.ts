// Sending one email: render the project's template, record it in the outbox in the same batch
// as the caller's writes (the token, the audit entry), then hand it to the queue (src/email/queue.ts),
// or without a queue binding deliver it from this request; the outcome lands in the outbox.
import type { Context } from "hono";
import { randomId } from "../crypto/random";
import { EMAIL_INLINE_BACKOFF_MS, EMAIL_INLINE_MAX_ATTEMPTS, EMAIL_INLINE_MAX_WAIT_MS } from "../config";
import { getEmailTemplate, type TemplateContent, type TemplateName } from "../db/email-templates.repo";
import { insertOutbox } from "../db/outbox.repo";
import { iso } from "../lib/clock";
import { inProduction } from "../lib/deployment";
import { clientIp, userAgent } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";
import { greetingName, type Addressee } from "./display-name";
import { emailProvider } from "./provider";
import { DEFAULT_TEMPLATES, renderTemplate, type TemplateVars } from "./templates";
import { attemptEmail, type OutboxTarget, recordOutcome, sealEmail } from "./queue";
import type { Delivery, EmailProvider, OutgoingEmail } from "./types";

/** The project's template, or the built-in default. */
export async function effectiveTemplate(db: D1Database, projectId: string, template: TemplateName): Promise<TemplateContent> {
  const row = await getEmailTemplate(db, projectId, template);
  return row ? { subject: row.subject, text: row.text_body, html: row.html_body } : DEFAULT_TEMPLATES[template];
}

export interface Recipient extends Addressee {
  /** null for an address with no account yet (a passwordless sign-up). */
  id: string | null;
}

export interface EmailJob {
  template: TemplateName;
  content: TemplateContent;
  to: Recipient;
  /** Empty for a passwordless email without a link: the lines holding {{link}} are left out. */
  link: string;
  /** The passwordless sign-in code; other templates have none. */
  code?: string;
  expiresIn: string;
  /** Written in one batch with the outbox row (given its id): the email goes out only once they are stored. */
  statements: (outboxId: string) => D1PreparedStatement[];
  /** Deliver after the response (waitUntil), so its timing reveals nothing; the outcome lands in the outbox. */
  background?: boolean;
}

export interface Sent {
  outboxId: string;
  /** null when delivery continues in the background. */
  delivery: Delivery | null;
}

export async function sendEmail(c: Context<AppEnv>, job: EmailJob): Promise<Sent> {
  const db = c.env.DB;
  const project = c.get("project");
  const provider = emailProvider(c.env, inProduction(c, project));
  const vars: TemplateVars = {
    link: job.link,
    email: job.to.email,
    projectName: project.name,
    displayName: greetingName(job.to),
    expiresIn: job.expiresIn,
    code: job.code ?? "",
  };
  const message = renderTemplate(job.content, vars);
  const outboxId = randomId("msg");
  const email = { to: job.to.email, ...message, idempotencyKey: outboxId };
  const row = { id: outboxId, projectId: project.id, userId: job.to.id, to: job.to.email, template: job.template, provider: provider.name };

  if (provider.keepsMessages) {
    const delivery = await provider.send(email);
    const state = delivery.ok ? { status: "sent" as const, lastError: null } : { status: "failed" as const, lastError: delivery.error };
    await db.batch([...job.statements(outboxId), insertOutbox(db, { ...row, ...state, attempts: delivery.attempts, body: message, at: iso() })]);
    return { outboxId, delivery };
  }

  const queue = c.env.WEBHOOKS;
  const at = iso();
  // With a queue the message waits sealed in its row, so a retry (or the Cron) can send it long after this request.
  const queued = queue ? { nextAttemptAt: at, sealedBody: await sealEmail(c.env, outboxId, message) } : undefined;
  await db.batch([...job.statements(outboxId), insertOutbox(db, { ...row, status: "queued", attempts: 0, lastError: null, body: null, queued, at })]);
  const logged = (what: string) => (err: unknown) =>
    console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), error: `email ${what}: ${String(err)}` }));

  if (queue) {
    if (job.background) {
      // Enqueued after the response, so its timing reveals nothing; a lost send is picked up by the Cron.
      c.executionCtx.waitUntil(queue.send({ kind: "email", id: outboxId }).catch(logged("enqueue")));
      return { outboxId, delivery: null };
    }
    // The caller waits for the first attempt (its answer depends on it); retries go through the queue.
    const meta = { ip: clientIp(c), userAgent: userAgent(c), requestId: c.get("requestId") };
    const attempt = await attemptEmail(c.env, outboxId, { body: message, meta });
    if (attempt?.delay != null) {
      c.executionCtx.waitUntil(queue.send({ kind: "email", id: outboxId }, { delaySeconds: attempt.delay }).catch(logged("enqueue")));
      return { outboxId, delivery: null };
    }
    return { outboxId, delivery: attempt?.delivery ?? null };
  }

  // No queue binding (a deployment without Queues): delivery and its retries within this request, as before.
  const delivering = deliverInline(c, provider, email, row);
  if (!job.background) return { outboxId, delivery: await delivering };
  c.executionCtx.waitUntil(delivering.catch(logged("delivery")));
  return { outboxId, delivery: null };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before in-request attempt `attempt + 1`: doubling from EMAIL_INLINE_BACKOFF_MS, or a longer Retry-After, capped. */
function inlineWait(attempt: number, retryAfterS: number | undefined): number {
  const backoff = EMAIL_INLINE_BACKOFF_MS * 2 ** (attempt - 1);
  return Math.min(EMAIL_INLINE_MAX_WAIT_MS, Math.max(backoff, (retryAfterS ?? 0) * 1000));
}

async function deliverInline(c: Context<AppEnv>, provider: EmailProvider, email: OutgoingEmail, row: OutboxTarget): Promise<Delivery> {
  let calls = 0;
  let delivery: Delivery;
  for (let attempt = 1; ; attempt++) {
    delivery = await provider.send(email);
    calls += delivery.attempts;
    if (delivery.ok || !delivery.retryable || attempt >= EMAIL_INLINE_MAX_ATTEMPTS) break;
    await sleep(inlineWait(attempt, delivery.retryAfterS));
  }
  const meta = { ip: clientIp(c), userAgent: userAgent(c), requestId: c.get("requestId") };
  await recordOutcome(c.env.DB, provider, row, delivery, calls, null, meta);
  return { ...delivery, attempts: calls };
}

/** The outbox row of an email that could not be composed (e.g. no redirect URL configured), to batch with the audit entry. */
export function unsentEmail(c: Context<AppEnv>, template: TemplateName, to: Recipient, reason: string): D1PreparedStatement {
  const project = c.get("project");
  const provider = emailProvider(c.env, inProduction(c, project));
  return insertOutbox(c.env.DB, {
    id: randomId("msg"),
    projectId: project.id,
    userId: to.id,
    to: to.email,
    template,
    status: "failed",
    attempts: 0,
    lastError: reason,
    provider: provider.name,
    body: null,
    at: iso(),
  });
}
