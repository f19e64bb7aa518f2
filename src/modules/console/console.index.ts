import { ApiError } from "../../errors";
import type { Router } from "../../lib/create-router";

// The console runs only its own bundle: no inline script or style, no other origin, no framing.
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

// What scripts/console-build.mjs writes to generated/assets/console; nothing else under /console is served.
const FILES: Record<string, { asset: string; type: string }> = {
  "": { asset: "/console/", type: "text/html; charset=utf-8" },
  "app.js": { asset: "/console/app.js", type: "text/javascript; charset=utf-8" },
  "app.css": { asset: "/console/app.css", type: "text/css; charset=utf-8" },
};

/** The admin console at /console: a static single-page app from the ASSETS binding (hash routes, one page). */
export function registerConsole(app: Router) {
  app.get("/console", (c) => c.redirect("/console/", 308));
  app.get("/console/:file{[a-z.]*}", async (c) => {
    const file = FILES[c.req.param("file")];
    if (!file) throw new ApiError("NOT_FOUND", `No route for GET ${c.req.path}`);
    if (!c.env.ASSETS) throw new ApiError("NOT_FOUND", "Console assets are not bound");
    const res = await c.env.ASSETS.fetch(new Request(new URL(file.asset, c.req.url)));
    if (!res.ok) throw new ApiError("NOT_FOUND", "Console assets are missing: run `npm run console:build`");
    // Revalidated on every load: the file names carry no content hash, so a deploy must not leave a stale bundle.
    return new Response(res.body, { headers: { "Content-Type": file.type, "Cache-Control": "no-cache", "Content-Security-Policy": CONSOLE_CSP } });
  });
}
