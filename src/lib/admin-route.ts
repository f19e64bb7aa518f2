import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { Role } from "../db/admins.repo";
import { adminProject } from "../middleware/admin-project";
import { adminSession } from "../middleware/admin-session";
import { errorResponses } from "../schemas/envelope";

const ROLE_NOTE: Record<Role, string> = {
  viewer: "Any admin role (viewer, admin, owner).",
  admin: "Role `admin` or `owner`; a viewer gets 403 `FORBIDDEN`.",
  owner: "Role `owner` only; others get 403 `FORBIDDEN`.",
};

/**
 * Every Admin API route is declared through here: the minimum role is stated once and is
 * both enforced (middleware) and documented (security, x-min-role, 401/403, description).
 * A path under `{projectId}` also gets the project check (404) after the session check.
 */
export function adminRoute<const R extends Omit<RouteConfig, "security" | "middleware" | "tags">>(minRole: Role, config: R) {
  return createRoute({
    ...config,
    tags: ["Admin"],
    security: [{ adminSession: [] }],
    middleware: config.path.includes("{projectId}") ? ([adminSession(minRole), adminProject] as const) : ([adminSession(minRole)] as const),
    description: `${config.description ?? ""}\n\n**Requires:** ${ROLE_NOTE[minRole]}`,
    "x-min-role": minRole,
    responses: { ...errorResponses(401, 403), ...config.responses },
  });
}
