// The Cron Trigger's work (wrangler.toml [triggers]): retention of refresh tokens, for all projects,
// and webhook deliveries whose queue message was lost.
import { REUSE_GRACE_MS, SWEEP_LIMITS } from "./config";
import { sweepExpiredRefreshTokens, sweepRevokedSessions, sweepSuccessorBoxes } from "./db/sessions.repo";
import { iso, now } from "./lib/clock";
import type { Bindings } from "./lib/types";
import { requeueOverdue } from "./webhooks/delivery";

export interface SweepReport {
  boxesErased: number;
  expiredDeleted: number;
  revokedDeleted: number;
  revokedSessions: number;
}

/**
 * Erases sealed successors past the grace window, deletes refresh rows past their own expiry and
 * every row of revoked sessions; in bounded, idempotent batches until a round finds less than a full batch.
 */
export async function sweepRefreshTokens(db: D1Database, at = now(), limits = SWEEP_LIMITS): Promise<SweepReport> {
  const report: SweepReport = { boxesErased: 0, expiredDeleted: 0, revokedDeleted: 0, revokedSessions: 0 };
  for (let round = 0; round < limits.rounds; round++) {
    const [boxes, expired, revoked, sessions] = await db.batch([
      sweepSuccessorBoxes(db, iso(at - REUSE_GRACE_MS), limits.rows),
      sweepExpiredRefreshTokens(db, iso(at), limits.rows),
      ...sweepRevokedSessions(db, limits.sessions),
    ]);
    const changes = (result: D1Result | undefined) => result?.meta.changes ?? 0;
    report.boxesErased += changes(boxes);
    report.expiredDeleted += changes(expired);
    report.revokedDeleted += changes(revoked);
    report.revokedSessions += changes(sessions);
    if (changes(boxes) < limits.rows && changes(expired) < limits.rows && changes(sessions) < limits.sessions) break;
  }
  return report;
}

export const scheduled: ExportedHandlerScheduledHandler<Bindings> = async (controller, env) => {
  const report = await sweepRefreshTokens(env.DB);
  // Workers Logs (observability) keeps what each run removed.
  console.log(JSON.stringify({ job: "refresh-token-retention", cron: controller.cron, ...report }));
  console.log(JSON.stringify({ job: "webhook-requeue", cron: controller.cron, requeued: await requeueOverdue(env) }));
};
