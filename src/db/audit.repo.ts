// The append-only audit log. Writers get a prepared statement so the entry can share
// a batch (and so a transaction) with the change it records.
import { randomId } from "../crypto/random";

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
  return db
    .prepare(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .bind(...auditValues(e));
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

/** The same insert, made only when `existsSql` (with its bindings) finds a row: for batches whose earlier statements may lose a race. */
export function insertAuditIf(db: D1Database, e: AuditEntry, existsSql: string, ...existsBindings: unknown[]): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO audit_log (${COLUMNS}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (${existsSql})`,
    )
    .bind(...auditValues(e), ...existsBindings);
}
