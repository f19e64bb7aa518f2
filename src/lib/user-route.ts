import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { enrollingAllowed, userSession } from "../middleware/project";
import { errorResponses } from "../schemas/envelope";

/**
 * Every Auth API route that acts for a signed-in user is declared through here: the bearer
 * requirement is stated once and is both enforced (userSession, fed by resolveProject's one
 * query) and documented (security, 401/403). A session restricted to enrolling a second factor
 * (project `mfa: "required"`, none yet) gets 403 MFA_REQUIRED except on routes declared with
 * `{ restricted: "allowed" }` (reading the profile, enrolling a factor).
 */
export function userRoute<const R extends Omit<RouteConfig, "security" | "middleware" | "tags">>(config: R, options: { restricted?: "allowed" } = {}) {
  return createRoute({
    ...config,
    tags: ["Auth"],
    security: [{ bearerAuth: [] }],
    middleware: options.restricted === "allowed" ? ([userSession, enrollingAllowed] as const) : ([userSession] as const),
    responses: { ...errorResponses(401, 403), ...config.responses },
  });
}
