import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../lib/types";

/**
 * Headers every response carries. API responses may hold tokens or personal data,
 * so nothing under /api is ever cached by browsers or intermediaries.
 */
export const securityHeaders = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
  });
