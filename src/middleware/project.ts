import { createMiddleware } from "hono/factory";
import { getProjectWithKey, getProjectWithSessionUser } from "../db/projects.repo";
import { ApiError } from "../errors";
import { cachedProject, rememberProject } from "../lib/project-cache";
import type { AppEnv } from "../lib/types";
import { needsBearer, verifyBearer } from "./bearer-auth";

// Routes that may use a project a few seconds old: the well-known documents, and refresh (its batch
// re-reads the project and decides on that copy; the cached one only answers CORS and unknown ids).
const CACHED_PROJECT_PATH = /^\/api\/auth\/[^/]+\/(\.well-known\/[^/]+|refresh)$/;

/**
 * Resolves :projectId for the Auth API: unknown → 404, disabled → 403 PROJECT_DISABLED.
 * On bearer paths with a valid token it also fetches the session's user in the same query,
 * so an authenticated request costs one round trip to D1 (bearerAuth then only checks it).
 */
export const resolveProject = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const projectId = c.req.param("projectId") ?? "";
    const verified = needsBearer(c) ? await verifyBearer(c, projectId) : null;
    const cached = CACHED_PROJECT_PATH.test(c.req.path);
    let project;
    if (cached) {
      project = await cachedProject(c.env.DB, projectId);
    } else if (verified && "claims" in verified) {
      const row = await getProjectWithSessionUser(c.env.DB, projectId, verified.claims.sub, verified.claims.sid);
      project = row?.project;
      if (row) c.set("bearer", { claims: verified.claims, user: row.user });
    } else {
      project = await getProjectWithKey(c.env.DB, projectId);
    }
    if (project && !cached) rememberProject(project); // warms the cached routes
    if (!project) throw new ApiError("NOT_FOUND", `Project '${projectId.slice(0, 64)}' does not exist`);
    if (!project.enabled) throw new ApiError("PROJECT_DISABLED", "This project is disabled");
    c.set("project", project);
    await next();
  });
