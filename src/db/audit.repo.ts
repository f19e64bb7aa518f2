// The append-only audit log. Writers get a prepared statement so the entry can share
// a batch (and so a transaction) with the change it records.
import { randomId } from "../crypto/random";
import { escapeLike, type Guard } from "./sql";

export type Outcome = "success" | "failure" | "blocked";
export type ActorType = "user" | "admin" | "anonymous" | "system";

export interface AuditEntry {
  type: string;
  outcome: Outcome;
  actorType: ActorType;
  actorId?: string | null;
  projectId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
  at: string;
}

const COLUMNS = "id, created_at, type, outcome, actor_type, actor_id, project_id, target_type, target_id, ip, user_agent, request_id, details";

export function insertAudit(db: D1Database, e: AuditEntry): D1PreparedStatement {
  return db.prepare(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).bind(...auditValues(e));
}

const auditValues = (e: AuditEntry): unknown[] => [
  randomId("evt"),
  e.at,
  e.type,
  e.outcome,
  e.actorType,
  e.actorId ?? null,
  e.projectId ?? null,
  e.targetType ?? null,
  e.targetId ?? null,
  e.ip ?? null,
  e.userAgent ?? null,
  e.requestId ?? null,
  JSON.stringify(e.details ?? {}),
];

/** The same insert, made only when `when` holds: for batches whose earlier statements may lose a race. */
export function insertAuditIf(db: D1Database, e: AuditEntry, when: Guard): D1PreparedStatement {
  const { sql, bindings } = when;
  return db
    .prepare(`INSERT INTO audit_log (${COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (${sql})`)
    .bind(...auditValues(e), ...bindings);
}

export interface AuditRow {
  id: string;
  created_at: string;
  type: string;
  outcome: Outcome;
  actor_type: ActorType;
  actor_id: string | null;
  project_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: string;
}

export interface AuditFilters {
  projectId?: string;
  type?: string;
  /** Matches every type starting with this (e.g. `auth.`); LIKE, so the newest-first index scan can stop early. */
  typePrefix?: string;
  actorId?: string;
  outcome?: Outcome;
  /** ISO-8601 UTC bounds: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** Keyset position: only rows strictly after this (created_at, id), newest first. */
  after?: { createdAt: string; id: string } | null;
  limit: number;
}

/** The SQL of one page of the audit log, newest first. The WHERE holds only the filters given, so the audit_* indexes serve it. */
export function listAuditQuery(f: AuditFilters): { sql: string; bindings: unknown[] } {
  const where: string[] = [];
  const bindings: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    bindings.push(...values);
  };
  if (f.projectId) add("project_id = ?", f.projectId);
  if (f.type) add("type = ?", f.type);
  if (f.typePrefix) add("type LIKE ? ESCAPE '\\'", `${escapeLike(f.typePrefix)}%`);
  if (f.actorId) add("actor_id = ?", f.actorId);
  if (f.outcome) add("outcome = ?", f.outcome);
  if (f.from) add("created_at >= ?", f.from);
  if (f.to) add("created_at < ?", f.to);
  if (f.after) add("(created_at, id) < (?, ?)", f.after.createdAt, f.after.id);
  const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
  return { sql: `SELECT * FROM audit_log ${clause} ORDER BY created_at DESC, id DESC LIMIT ?`, bindings: [...bindings, f.limit + 1] };
}

/** One page (plus one row, to tell whether another page follows) of the audit log. */
export function listAudit(db: D1Database, f: AuditFilters): Promise<D1Result<AuditRow>> {
  const { sql, bindings } = listAuditQuery(f);
  return db
    .prepare(sql)
    .bind(...bindings)
    .all<AuditRow>();
}
