// The module is named for its URL (/api/admin/logs); what it serves is the audit log (audit.repo, AuditEvent).
import { createRouter } from "../../lib/create-router";
import * as handlers from "./logs.handlers";
import * as routes from "./logs.routes";

export const logs = createRouter().openapi(routes.listAuditLogs, handlers.listAuditLogsHandler);
