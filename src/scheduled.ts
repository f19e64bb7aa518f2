// The Cron Trigger's work (wrangler.toml [triggers]): retention, for all projects, as a declared list
// of rules. Each rule is one bounded, idempotent statement; a run repeats the rules that filled a
// batch, up to SWEEP_LIMITS.rounds, and the next run goes on. Adding a table is one entry in RETENTION_RULES.
import {
  AUDIT_RETENTION_DAYS_DEFAULT,
  CHALLENGE_KEEP_MS,
  DEPLOYMENT_AUDIT_RETENTION_DAYS,
  EMAIL_LINK_KEEP_EXPIRED_MS,
  OAUTH_KEEP_SPENT_MS,
  OUTBOX_KEEP_BODIES_MS,
  OUTBOX_KEEP_ROWS_MS,
  REUSE_GRACE_MS,
  SESSION_KEEP_ENDED_MS,
  SWEEP_LIMITS,
  WEBHOOK_KEEP_MS,
} from "./config";
import { insertAudit } from "./db/audit.repo";
import {
  blankOldOutboxBodies,
  deleteEndedSessions,
  deleteOldAuditRows,
  deleteOldEmailLinks,
  deleteOldOAuthCodes,
  deleteOldAuthorizationCodes,
  deleteOldAuthorizationRequests,
  deleteOldOAuthStates,
  deleteOldOutboxRows,
  deleteOldAdminMfaChallenges,
  deleteOldMfaChallenges,
  deleteOldPasswordlessCodes,
  deleteOldWebauthnChallenges,
  deleteOldWebhookDeliveries,
  deleteOldWebhookEvents,
} from "./db/retention.repo";
import { sweepExpiredRefreshTokens, sweepRevokedSessions, sweepSuccessorBoxes } from "./db/sessions.repo";
import { iso, now } from "./lib/clock";
import type { Bindings } from "./lib/types";
import { requeueOverdue } from "./webhooks/delivery";
import { requeueOverdueEmails } from "./email/queue";

export interface RetentionLimits {
  /** Rows per statement (tokens, audit rows, …). */
  rows: number;
  /** Sessions per statement (each takes its refresh rows with it). */
  sessions: number;
  /** Batches per run. */
  rounds: number;
}

export interface RetentionRule {
  /** Its name in the run's report (and audit row). */
  name: string;
  /** Which of the limits bounds it. */
  unit: "rows" | "sessions";
  /**
   * The rule's statements for one batch; the first one's `changes` is what is counted, and a batch
   * that reached the limit means there may be more (`full` overrides that test).
   */
  sweep(db: D1Database, at: number, limit: number): D1PreparedStatement[];
  full?(results: D1Result[], limit: number): boolean;
  /** Further counts from the batch's other statements. */
  also?(results: D1Result[]): Record<string, number>;
}

const changes = (result: D1Result | undefined) => result?.meta.changes ?? 0;
const before = (at: number, ms: number) => iso(at - ms);

/** What the Cron Trigger deletes, in order (refresh rows before the sessions that own them). */
export const RETENTION_RULES: RetentionRule[] = [
  // Sealed successors past the grace window: nothing at rest may walk a chain forward.
  { name: "refreshBoxesErased", unit: "rows", sweep: (db, at, limit) => [sweepSuccessorBoxes(db, before(at, REUSE_GRACE_MS), limit)] },
  // Refresh rows past their own expiry (until then a spent row must stay, so a replay still revokes).
  { name: "refreshExpiredDeleted", unit: "rows", sweep: (db, at, limit) => [sweepExpiredRefreshTokens(db, iso(at), limit)] },
  // Every refresh row of revoked sessions; the session is then marked swept (expires_at = revoked_at).
  {
    name: "refreshRevokedDeleted",
    unit: "sessions",
    sweep: (db, _at, limit) => sweepRevokedSessions(db, limit),
    full: (results, limit) => changes(results[1]) >= limit,
    also: (results) => ({ refreshRevokedSessions: changes(results[1]) }),
  },
  { name: "sessionsDeleted", unit: "sessions", sweep: (db, at, limit) => [deleteEndedSessions(db, before(at, SESSION_KEEP_ENDED_MS), limit)] },
  { name: "emailLinksDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldEmailLinks(db, before(at, EMAIL_LINK_KEEP_EXPIRED_MS), limit)] },
  { name: "oauthStatesDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldOAuthStates(db, before(at, OAUTH_KEEP_SPENT_MS), limit)] },
  { name: "oauthCodesDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldOAuthCodes(db, before(at, OAUTH_KEEP_SPENT_MS), limit)] },
  { name: "oidcRequestsDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldAuthorizationRequests(db, before(at, OAUTH_KEEP_SPENT_MS), limit)] },
  { name: "oidcCodesDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldAuthorizationCodes(db, before(at, OAUTH_KEEP_SPENT_MS), limit)] },
  { name: "webauthnChallengesDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldWebauthnChallenges(db, before(at, CHALLENGE_KEEP_MS), limit)] },
  { name: "mfaChallengesDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldMfaChallenges(db, before(at, CHALLENGE_KEEP_MS), limit)] },
  {
    name: "adminMfaChallengesDeleted",
    unit: "rows",
    sweep: (db, at, limit) => [deleteOldAdminMfaChallenges(db, before(at, CHALLENGE_KEEP_MS), limit)],
  },
  {
    name: "passwordlessCodesDeleted",
    unit: "rows",
    sweep: (db, at, limit) => [deleteOldPasswordlessCodes(db, before(at, CHALLENGE_KEEP_MS), limit)],
  },
  { name: "webhookDeliveriesDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldWebhookDeliveries(db, before(at, WEBHOOK_KEEP_MS), limit)] },
  { name: "webhookEventsDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldWebhookEvents(db, before(at, WEBHOOK_KEEP_MS), limit)] },
  { name: "outboxBodiesErased", unit: "rows", sweep: (db, at, limit) => [blankOldOutboxBodies(db, before(at, OUTBOX_KEEP_BODIES_MS), limit)] },
  { name: "outboxRowsDeleted", unit: "rows", sweep: (db, at, limit) => [deleteOldOutboxRows(db, before(at, OUTBOX_KEEP_ROWS_MS), limit)] },
  {
    name: "auditRowsDeleted",
    unit: "rows",
    sweep: (db, at, limit) => [deleteOldAuditRows(db, iso(at), AUDIT_RETENTION_DAYS_DEFAULT, DEPLOYMENT_AUDIT_RETENTION_DAYS, limit)],
  },
];

export interface RetentionReport {
  counts: Record<string, number>;
  rounds: number;
  /** False when a rule still had a full batch when the rounds ran out: the next run goes on. */
  complete: boolean;
  /** Rules whose batch failed this run (each is its own transaction, so the others went on), with the error. */
  failed: Record<string, string>;
}

/** Runs `rules` in batches (one D1 transaction per rule and round) until none fills its batch or the rounds run out. */
export async function runRetention(db: D1Database, at = now(), limits: RetentionLimits = SWEEP_LIMITS, rules = RETENTION_RULES): Promise<RetentionReport> {
  const counts: Record<string, number> = Object.fromEntries(rules.map((r) => [r.name, 0]));
  const failed: Record<string, string> = {};
  let pending = rules;
  let rounds = 0;
  while (pending.length > 0 && rounds < limits.rounds) {
    rounds++;
    const stillFull: RetentionRule[] = [];
    for (const rule of pending) {
      const limit = limits[rule.unit];
      let results: D1Result[];
      try {
        results = await db.batch(rule.sweep(db, at, limit));
      } catch (err) {
        failed[rule.name] = String(err);
        continue;
      }
      counts[rule.name]! += changes(results[0]);
      for (const [name, n] of Object.entries(rule.also?.(results) ?? {})) counts[name] = (counts[name] ?? 0) + n;
      if (rule.full ? rule.full(results, limit) : changes(results[0]) >= limit) stillFull.push(rule);
    }
    pending = stillFull;
  }
  return { counts, rounds, complete: pending.length === 0, failed };
}

export interface SweepReport {
  boxesErased: number;
  expiredDeleted: number;
  revokedDeleted: number;
  revokedSessions: number;
}

/** The refresh-token rules alone (erased successors, expired rows, rows of revoked sessions). */
export async function sweepRefreshTokens(db: D1Database, at = now(), limits: RetentionLimits = SWEEP_LIMITS): Promise<SweepReport> {
  const rules = RETENTION_RULES.filter((r) => r.name.startsWith("refresh"));
  const { counts } = await runRetention(db, at, limits, rules);
  return {
    boxesErased: counts.refreshBoxesErased!,
    expiredDeleted: counts.refreshExpiredDeleted!,
    revokedDeleted: counts.refreshRevokedDeleted!,
    revokedSessions: counts.refreshRevokedSessions ?? 0,
  };
}

export const scheduled: ExportedHandlerScheduledHandler<Bindings> = async (controller, env) => {
  const at = now();
  const report = await runRetention(env.DB, at);
  // One audit row per run, with what each rule removed; Workers Logs (observability) keeps it too.
  await insertAudit(env.DB, {
    type: "system.retention",
    outcome: Object.keys(report.failed).length > 0 ? "failure" : "success",
    actorType: "system",
    details: { cron: controller.cron, ...report },
    at: iso(at),
  }).run();
  console.log(JSON.stringify({ job: "retention", cron: controller.cron, ...report }));
  console.log(JSON.stringify({ job: "webhook-requeue", cron: controller.cron, requeued: await requeueOverdue(env) }));
  console.log(JSON.stringify({ job: "email-requeue", cron: controller.cron, requeued: await requeueOverdueEmails(env) }));
};
