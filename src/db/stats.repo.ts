// Per-day activity counts of one project, from the audit log (served by the audit_project_stats covering index).

/**
 * Events that count as a sign-in attempt, one per completed sign-in: a password login, a social
 * sign-in's code exchange, a passkey, an emailed code or link, and a second factor's answer (the
 * first step of a sign-in that owes one writes a challenge, not a success).
 */
export const SIGN_IN_TYPES = ["auth.login", "auth.oauth.token", "auth.passkey.login", "auth.passwordless.verify", "auth.mfa.verify"] as const;
/** Events that count as a sign-up. */
export const SIGN_UP_TYPE = "auth.register";

export interface DayStatsRow {
  day: string;
  sign_ups: number;
  sign_ins_ok: number;
  sign_ins_failed: number;
  active_users: number;
}

/** One row per UTC day (YYYY-MM-DD) in [from, to) that has any event of the project; days without events are absent. */
export async function projectDayStats(db: D1Database, projectId: string, from: string, to: string): Promise<DayStatsRow[]> {
  const signIns = SIGN_IN_TYPES.map(() => "?").join(", ");
  const { results } = await db
    .prepare(
      `SELECT substr(created_at, 1, 10) AS day,
         SUM(type = ? AND outcome = 'success') AS sign_ups,
         SUM(type IN (${signIns}) AND outcome = 'success') AS sign_ins_ok,
         SUM(type IN (${signIns}) AND outcome <> 'success') AS sign_ins_failed,
         COUNT(DISTINCT CASE WHEN actor_type = 'user' AND outcome = 'success' THEN actor_id END) AS active_users
       FROM audit_log INDEXED BY audit_project_stats
       WHERE project_id = ? AND created_at >= ? AND created_at < ?
       GROUP BY day`,
    )
    .bind(SIGN_UP_TYPE, ...SIGN_IN_TYPES, ...SIGN_IN_TYPES, projectId, from, to)
    .all<DayStatsRow>();
  return results;
}
