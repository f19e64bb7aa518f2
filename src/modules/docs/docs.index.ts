import { Scalar } from "@scalar/hono-api-reference";
import { ApiError } from "../../errors";
import type { Context } from "hono";
import type { Router } from "../../lib/create-router";
import type { AppEnv } from "../../lib/types";

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

/** Where scripts/docs-assets.mjs puts openapi/openapi.json among the assets. */
const SPEC_ASSET = "/openapi.json";

/** A static asset's body, or 404 when the assets are not bound or lack it. */
async function asset(c: Context<AppEnv>, path: string): Promise<Response> {
  if (!c.env.ASSETS) throw new ApiError("NOT_FOUND", "Docs assets are not bound");
  const res = await c.env.ASSETS.fetch(new Request(new URL(path, c.req.url)));
  if (!res.ok) throw new ApiError("NOT_FOUND", "Docs assets are missing: run `npm run docs:assets`");
  return res;
}

// The committed contract, parsed once per isolate: `npm run openapi` writes it from the route
// declarations (CI fails on drift), so the Worker serves it rather than building it again.
let spec: Promise<{ servers?: { url: string }[] }> | undefined;

/** Interactive API reference at /docs, rendered entirely from this origin, and the document it reads. */
export function registerDocs(app: Router) {
  // The current origin is listed first among servers so "try it" targets this deployment.
  app.get("/openapi.json", async (c) => {
    spec ??= asset(c, SPEC_ASSET).then((res) => res.json());
    const doc = await spec.catch((err: unknown) => {
      spec = undefined;
      throw err;
    });
    const origin = new URL(c.req.url).origin;
    const servers = doc.servers?.some((s) => s.url === origin) ? doc.servers : [{ url: origin, description: "This deployment" }, ...(doc.servers ?? [])];
    c.header("Cache-Control", "public, max-age=60");
    return c.json({ ...doc, servers });
  });
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
    const res = await asset(c, "/scalar.js");
    return new Response(res.body, {
      headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=86400" },
    });
  });
}
