import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { userSession } from "../middleware/project";
import { errorResponses } from "../schemas/envelope";

/**
 * Every Auth API route that acts for a signed-in user is declared through here: the bearer
 * requirement is stated once and is both enforced (userSession, fed by resolveProject's one
 * query) and documented (security, 401/403).
 */
export function userRoute<const R extends Omit<RouteConfig, "security" | "middleware" | "tags">>(config: R) {
  return createRoute({
    ...config,
    tags: ["Auth"],
    security: [{ bearerAuth: [] }],
    middleware: [userSession] as const,
    responses: { ...errorResponses(401, 403), ...config.responses },
  });
}
