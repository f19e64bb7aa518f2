import { adminRoute } from "../../lib/admin-route";
import { AuditEventSchema, ListAuditQuery } from "../../schemas/audit";
import { errorResponses, okList } from "../../schemas/envelope";

export const listAuditLogs = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/logs",
  operationId: "listAuditLogs",
  summary: "Query the audit log",
  description:
    "Every Auth API event (registrations, logins, refreshes, logouts, password changes, ...) and every admin action, newest first: who acted, on what, in which project, with what outcome, from which IP and user agent, in which request. Combine the filters freely (`projectId` may name a deleted project: its events remain, with ids only); `type` takes an exact type or a prefix such as `auth.*`, `from` is inclusive and `to` exclusive. Pages are keyset-paginated: pass `meta.nextCursor` as `cursor`; events logged meanwhile never shift a page. Details never contain passwords, hashes or tokens.",
  request: { query: ListAuditQuery },
  responses: { 200: okList(AuditEventSchema, "A page of events."), ...errorResponses(400) },
});
