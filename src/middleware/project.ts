import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import { getProjectWithKey } from "../db/projects.repo";
import type { AppEnv } from "../lib/types";

/** Resolves :projectId for the Auth API: unknown → 404, disabled → 403 PROJECT_DISABLED. */
export const resolveProject = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const projectId = c.req.param("projectId") ?? "";
    const project = await getProjectWithKey(c.env.DB, projectId);
    if (!project) throw new ApiError("NOT_FOUND", `Project '${projectId.slice(0, 64)}' does not exist`);
    if (!project.enabled) throw new ApiError("PROJECT_DISABLED", "This project is disabled");
    c.set("project", project);
    await next();
  });
