import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../lib/types";

/** Two years, subdomains included: browsers only ever reach this service over https (ignored on http, e.g. wrangler dev). */
export const HSTS = "max-age=63072000; includeSubDomains";

/**
 * Headers every response carries: Hono's secure headers (nosniff, no-referrer, HSTS, no framing:
 * X-Frame-Options DENY and CSP frame-ancestors 'none'), keeping a route's own CSP (e.g. /docs,
 * which forbids framing itself). API responses may hold tokens or personal data, so nothing is
 * cached by browsers or intermediaries unless a route says otherwise.
 */
export const securityHeaders = () => [
  secureHeaders({
    strictTransportSecurity: HSTS,
    xFrameOptions: "DENY",
    contentSecurityPolicy: { frameAncestors: ["'none'"] },
    overwrite: false,
  }),
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  }),
];
