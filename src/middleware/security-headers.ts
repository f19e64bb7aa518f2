import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../lib/types";

/** Two years, subdomains included: browsers only ever reach this service over https (ignored on http, e.g. wrangler dev). */
export const HSTS = "max-age=63072000; includeSubDomains";
const NO_FRAMING = "frame-ancestors 'none'";

/** `csp` with frame-ancestors 'none' added, keeping a route's own policy (e.g. /docs) rather than replacing it. */
const withNoFraming = (csp: string | null) => (!csp ? NO_FRAMING : /(^|;)\s*frame-ancestors\s/i.test(csp) ? csp : `${csp}; ${NO_FRAMING}`);

/**
 * Headers every response carries. API responses may hold tokens or personal data,
 * so nothing under /api is ever cached by browsers or intermediaries, nor framed (clickjacking).
 */
export const securityHeaders = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Strict-Transport-Security", HSTS);
    h.set("Content-Security-Policy", withNoFraming(h.get("Content-Security-Policy")));
    if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
  });
