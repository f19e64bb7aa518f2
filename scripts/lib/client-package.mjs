// What the publishable `@edge-auth/client` package is made of, shared by client-build, client-pack and client-check.
import { join } from "node:path";
import { ROOT } from "./wrangler-dev.mjs";

export { ROOT };
export const CLIENT_SRC = join(ROOT, "src/client");
export const PACKAGE_DIR = join(ROOT, ".artifacts/client-package");
export const PACK_DIR = join(ROOT, ".artifacts/client-pack");
export const PACKAGE_NAME = "@edge-auth/client";

/**
 * The package's entries: subpath -> source file in src/client, the npm packages it may import (`deps`, installed
 * with the package) and the ones an app brings itself (`peers`, optional: only that entry's users need them).
 * An entry whose source does not exist yet is left out of the build (it says so); adding an entry is one line here.
 * jose is a dependency, not a peer: `./server` cannot work without it, it has no dependencies or install scripts,
 * and browser bundles never load it because only `./server` imports it. requireAuth is Hono middleware, so an
 * app that uses it already has hono.
 */
export const ENTRIES = [
  { subpath: ".", source: "index.ts", deps: ["openapi-fetch"], peers: [] },
  { subpath: "./server", source: "server.ts", deps: ["openapi-fetch", "jose"], peers: ["hono"] },
];
