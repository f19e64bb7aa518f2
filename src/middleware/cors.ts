import { createMiddleware } from "hono/factory";
import { corsOriginsOf } from "../db/projects.repo";
import type { AppEnv } from "../lib/types";

const ALLOW_METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS = "Authorization, Content-Type, X-Request-Id";
const EXPOSE_HEADERS = "X-Request-Id, Retry-After";

// Keyed by the stored JSON, so a changed list is a new entry.
const parsed = new Map<string, Set<string>>();
function allowList(project: { cors_origins: string }): Set<string> {
  let set = parsed.get(project.cors_origins);
  if (!set) {
    set = new Set(corsOriginsOf(project).map((o) => o.toLowerCase()));
    parsed.set(project.cors_origins, set);
  }
  return set;
}

/**
 * CORS for a project's Auth API from its allow-list of origins (Admin API setting
 * `corsOrigins`): listed origins get the headers, any other origin gets none, so the
 * browser blocks it. Tokens travel in headers, never cookies, so credentials are not allowed.
 */
export const projectCors = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header("Origin");
    const allowed = origin !== undefined && allowList(c.get("project")).has(origin.toLowerCase());
    if (c.req.method === "OPTIONS") {
      const headers: Record<string, string> = { Vary: "Origin" };
      if (allowed) {
        Object.assign(headers, {
          "Access-Control-Allow-Origin": origin,
          "Access-Control-Allow-Methods": ALLOW_METHODS,
          "Access-Control-Allow-Headers": ALLOW_HEADERS,
          "Access-Control-Max-Age": "600",
        });
      }
      return c.body(null, 204, headers);
    }
    await next();
    c.res.headers.append("Vary", "Origin");
    if (allowed) {
      c.res.headers.set("Access-Control-Allow-Origin", origin);
      c.res.headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    }
  });
