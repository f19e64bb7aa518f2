import type { AuditRow } from "../../db/audit.repo";

/** The API shape of an audit row; details are stored as JSON text. */
export const toAuditEvent = (e: AuditRow) => ({
  id: e.id,
  createdAt: e.created_at,
  type: e.type,
  outcome: e.outcome,
  actorType: e.actor_type,
  actorId: e.actor_id,
  projectId: e.project_id,
  targetType: e.target_type,
  targetId: e.target_id,
  ip: e.ip,
  userAgent: e.user_agent,
  requestId: e.request_id,
  details: JSON.parse(e.details) as Record<string, unknown>,
});
