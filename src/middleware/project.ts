import { createMiddleware } from "hono/factory";
import { getProjectWithKey, getProjectWithSessionUser } from "../db/projects.repo";
import { ApiError } from "../errors";
import type { AppEnv } from "../lib/types";
import { needsBearer, verifyBearer } from "./bearer-auth";

/** The one answer for a project id that names no project, on the Auth and the Admin API alike. */
export const projectNotFound = (projectId: string) => new ApiError("NOT_FOUND", `Project '${projectId.slice(0, 64)}' does not exist`);

/**
 * Resolves :projectId for the Auth API: unknown → 404, disabled → 403 PROJECT_DISABLED.
 * On bearer paths with a valid token it also fetches the session's user in the same query,
 * so an authenticated request costs one round trip to D1 (bearerAuth then only checks it).
 */
export const resolveProject = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const projectId = c.req.param("projectId") ?? "";
    const verified = needsBearer(c) ? await verifyBearer(c, projectId) : null;
    let project;
    if (verified && "claims" in verified) {
      const row = await getProjectWithSessionUser(c.env.DB, projectId, verified.claims.sub, verified.claims.sid);
      project = row?.project;
      if (row) c.set("bearer", { claims: verified.claims, user: row.user });
    } else {
      project = await getProjectWithKey(c.env.DB, projectId);
    }
    if (!project) throw projectNotFound(projectId);
    if (!project.enabled) throw new ApiError("PROJECT_DISABLED", "This project is disabled");
    c.set("project", project);
    await next();
  });
