import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { errorResponses, ok } from "../../schemas/envelope";
import { ProjectStatsSchema, StatsQuery } from "../../schemas/stats";

export const getProjectStats = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/projects/{projectId}/stats",
  operationId: "getProjectStats",
  summary: "Project activity per day",
  description:
    "Sign-ups, sign-ins (successful and failed) and active users per UTC day over the last `days` days (today included), counted from the audit log, oldest day first and zero-filled. An index covering the query (`audit_project_stats`) keeps it a range scan of one project's events. 404 `NOT_FOUND` when there is no project with this id.",
  request: { params: ProjectIdParam, query: StatsQuery },
  responses: { 200: ok(ProjectStatsSchema, "The project's daily activity."), ...errorResponses(400, 404) },
});
