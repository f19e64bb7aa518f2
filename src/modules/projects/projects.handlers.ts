import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { generateSigningKey } from "../../crypto/keys";
import { insertAudit, insertAuditIf, type AuditEntry } from "../../db/audit.repo";
import { insertSigningKey } from "../../db/keys.repo";
import * as projects from "../../db/projects.repo";
import { isUniqueViolation } from "../../db/sql";
import { ApiError } from "../../errors";
import { projectNotFound } from "../../middleware/project";
import { decodeCursor, page } from "../../lib/cursor";
import { iso } from "../../lib/clock";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { projectSlug } from "../../schemas/project";
import { toProject, updateDetails } from "./projects.mappers";
import type { createProject, deleteProject, getProject, listProjects, updateProject } from "./projects.routes";
import { forgetProject } from "../../lib/project-cache";

/** An audit entry for an admin action on project `projectId`. */
export const projectAudit = (c: Context<AppEnv>, projectId: string, type: string, details: Record<string, unknown> | undefined, at: string): AuditEntry =>
  adminAction(c, { type, projectId, targetType: "project", targetId: projectId, details, at });

export const listProjectsHandler: RouteHandler<typeof listProjects, AppEnv> = async (c) => {
  const { environment, enabled, search, limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const { results } = await projects.listProjects(c.env.DB, {
    environment,
    enabled: enabled === undefined ? undefined : enabled === "true",
    search,
    after,
    limit,
  });
  const { items, nextCursor } = page(results, limit);
  return c.json({ success: true as const, data: items.map(toProject), meta: { nextCursor } }, 200);
};

export const createProjectHandler: RouteHandler<typeof createProject, AppEnv> = async (c) => {
  const { name, environment, description = "", id: given, branding } = c.req.valid("json");
  const id = given ?? projectSlug(name);
  const key = await generateSigningKey(c.env.KEY_ENCRYPTION_SECRET);
  const at = iso();
  try {
    // One batch is one transaction: the project never exists without its key and its audit entry.
    const [inserted] = await c.env.DB.batch([
      projects.insertProject(c.env.DB, { id, name, description, environment, createdAt: at, branding }),
      insertSigningKey(c.env.DB, id, key, at),
      insertAudit(c.env.DB, projectAudit(c, id, "admin.project.create", { name, environment, kid: key.kid }, at)),
    ]);
    return c.json({ success: true as const, data: toProject(inserted!.results[0] as projects.ProjectRow) }, 201);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError("CONFLICT", `A project with id '${id}' already exists; give another id`);
    throw err;
  }
};

export const getProjectHandler: RouteHandler<typeof getProject, AppEnv> = async (c) => {
  return c.json({ success: true as const, data: toProject(c.get("adminProject")) }, 200);
};

const ttlOrderError = (accessTokenTtl: number) =>
  new ApiError("VALIDATION_ERROR", `refreshTokenTtl: must be greater than accessTokenTtl (${accessTokenTtl})`, {
    details: [{ path: "refreshTokenTtl", message: `must be greater than accessTokenTtl (${accessTokenTtl})` }],
  });

export const updateProjectHandler: RouteHandler<typeof updateProject, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const body = c.req.valid("json");
  const before = toProject(c.get("adminProject"));
  if ((body.refreshTokenTtl ?? before.refreshTokenTtl) <= (body.accessTokenTtl ?? before.accessTokenTtl))
    throw ttlOrderError(body.accessTokenTtl ?? before.accessTokenTtl);
  const at = iso();
  const audit = projectAudit(c, projectId, "admin.project.update", updateDetails(before, body), at);
  // The audit entry is written only if the guarded update was (a concurrent change may have made it fail).
  const [updated] = await c.env.DB.batch([
    projects.updateProject(c.env.DB, projectId, body, at),
    insertAuditIf(c.env.DB, audit, projects.projectUpdatedAt(projectId, at)),
  ]);
  forgetProject(projectId);
  const row = updated!.results[0] as projects.ProjectRow | undefined;
  if (!row) {
    // Refused by the guard: the project is gone, or a concurrent change broke the TTL order.
    const current = await projects.getProject(c.env.DB, projectId);
    throw current ? ttlOrderError(current.access_token_ttl) : projectNotFound(projectId);
  }
  return c.json({ success: true as const, data: toProject(row) }, 200);
};

export const deleteProjectHandler: RouteHandler<typeof deleteProject, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const audit = projectAudit(c, projectId, "admin.project.delete", undefined, iso());
  // Audit first, conditional on the project existing, so both happen or neither does.
  const [, deleted] = await c.env.DB.batch([insertAuditIf(c.env.DB, audit, projects.projectExists(projectId)), projects.deleteProject(c.env.DB, projectId)]);
  forgetProject(projectId);
  if (deleted!.results.length === 0) throw projectNotFound(projectId);
  return c.json({ success: true as const, data: { deleted: true as const } }, 200);
};
