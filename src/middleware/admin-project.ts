import { createMiddleware } from "hono/factory";
import { getProject } from "../db/projects.repo";
import type { AppEnv } from "../lib/types";
import { ProjectIdParam } from "../schemas/auth";
import { projectNotFound } from "./project";

const validId = ProjectIdParam.shape.projectId;

/**
 * Admin routes under a project: 404 unless it exists (disabled projects count: they are still
 * managed here). Runs after the admin session, so a caller without one learns nothing about it.
 */
export const adminProject = createMiddleware<AppEnv>(async (c, next) => {
  const projectId = c.req.param("projectId") ?? "";
  // A malformed id is left to the route's validator, which answers 400.
  if (validId.safeParse(projectId).success) {
    const project = await getProject(c.env.DB, projectId);
    if (!project) throw projectNotFound(projectId);
    c.set("adminProject", project);
  }
  await next();
});
