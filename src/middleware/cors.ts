import type { Context } from "hono";
import { cors } from "hono/cors";
import { corsOriginsOf } from "../db/projects.repo";
import type { AppEnv } from "../lib/types";

const ALLOW_METHODS = ["GET", "POST", "PATCH", "DELETE", "OPTIONS"];

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

const listed = (origin: string, c: Context<AppEnv>) => origin !== "" && allowList(c.get("project")).has(origin.toLowerCase());

/**
 * CORS for a project's Auth API from its allow-list of origins (Admin API setting
 * `corsOrigins`): listed origins get the headers, any other origin gets none that grant
 * anything, so the browser blocks it. Tokens travel in headers, never cookies, so credentials are not allowed.
 */
export const projectCors = () =>
  cors({
    origin: (origin, c) => (listed(origin, c as Context<AppEnv>) ? origin : null),
    allowMethods: (origin, c) => (listed(origin, c as Context<AppEnv>) ? ALLOW_METHODS : []),
    allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id", "Retry-After"],
    maxAge: 600,
  });
