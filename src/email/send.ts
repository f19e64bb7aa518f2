// Sending one email: render the project's template, record it in the outbox in the same batch
// as the caller's writes (the token, the audit entry), hand it to the provider, record the outcome.
import type { Context } from "hono";
import { randomId } from "../crypto/random";
import { insertAudit } from "../db/audit.repo";
import { getEmailTemplate, type TemplateContent, type TemplateName } from "../db/email-templates.repo";
import { insertOutbox, recordDelivery } from "../db/outbox.repo";
import { iso } from "../lib/clock";
import { inProduction } from "../lib/deployment";
import { auditEntry } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";
import { greetingName, type Addressee } from "./display-name";
import { emailProvider } from "./provider";
import { DEFAULT_TEMPLATES, renderTemplate, type TemplateVars } from "./templates";
import type { Delivery, EmailProvider } from "./types";

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

  await db.batch([...job.statements(outboxId), insertOutbox(db, { ...row, status: "queued", attempts: 0, lastError: null, body: null, at: iso() })]);
  const delivering = deliver(c, provider, email, row);
  if (!job.background) return { outboxId, delivery: await delivering };
  c.executionCtx.waitUntil(
    delivering.catch((err) => console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), error: `email delivery: ${String(err)}` }))),
  );
  return { outboxId, delivery: null };
}

async function deliver(
  c: Context<AppEnv>,
  provider: EmailProvider,
  email: Parameters<EmailProvider["send"]>[0],
  row: { id: string; projectId: string; template: TemplateName },
): Promise<Delivery> {
  const db = c.env.DB;
  const delivery = await provider.send(email);
  const at = iso();
  const outcome = delivery.ok
    ? { status: "sent" as const, attempts: delivery.attempts, lastError: null, messageId: delivery.messageId, at }
    : { status: "failed" as const, attempts: delivery.attempts, lastError: delivery.error, messageId: null, at };
  const statements = [recordDelivery(db, row.projectId, row.id, outcome)];
  if (!delivery.ok) {
    const details = { template: row.template, provider: provider.name, attempts: delivery.attempts, error: delivery.error };
    statements.push(
      insertAudit(
        db,
        auditEntry(c, {
          type: "email.delivery",
          outcome: "failure",
          actorType: "system",
          projectId: row.projectId,
          targetType: "email",
          targetId: row.id,
          details,
          at,
        }),
      ),
    );
  }
  await db.batch(statements);
  return delivery;
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
