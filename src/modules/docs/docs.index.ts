import { Scalar } from "@scalar/hono-api-reference";
import { ApiError } from "../../errors";
import type { Router } from "../../lib/create-router";

/** Where the self-hosted Scalar bundle is served (from wrangler assets, see scripts/docs-assets.mjs). */
export const SCALAR_SCRIPT_PATH = "/docs/scalar.js";

// Scalar only loads what we serve: no CDN script, no web fonts, no telemetry, no CORS proxy.
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Interactive API reference at /docs, rendered entirely from this origin. */
export function registerDocs(app: Router) {
  app.get(
    "/docs",
    async (c, next) => {
      await next();
      c.res.headers.set("Content-Security-Policy", DOCS_CSP);
      c.res.headers.set("Cache-Control", "no-cache");
    },
    Scalar({
      url: "/openapi.json",
      cdn: SCALAR_SCRIPT_PATH,
      pageTitle: "edge-auth API reference",
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: false,
      showDeveloperTools: "never",
      agent: { disabled: true },
    } as Parameters<typeof Scalar>[0]),
  );
  app.get(SCALAR_SCRIPT_PATH, async (c) => {
    if (!c.env.ASSETS) throw new ApiError("NOT_FOUND", "Docs assets are not bound");
    const res = await c.env.ASSETS.fetch(new Request(new URL("/scalar.js", c.req.url)));
    if (!res.ok) throw new ApiError("NOT_FOUND", "Docs assets are missing: run `npm run docs:assets`");
    return new Response(res.body, {
      headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=86400" },
    });
  });
}
