// What the publishable `@edge-auth/client` package is made of, shared by client-build, client-pack and client-check.
import { join } from "node:path";
import { ROOT } from "./wrangler-dev.mjs";

export { ROOT };
export const CLIENT_SRC = join(ROOT, "src/client");
export const PACKAGE_DIR = join(ROOT, ".artifacts/client-package");
export const PACK_DIR = join(ROOT, ".artifacts/client-pack");
export const PACKAGE_NAME = "@edge-auth/client";

/**
 * The package's entries: subpath -> source file in src/client, and the npm packages it may import at run time.
 * An entry whose source does not exist yet is left out of the build (it says so); adding an entry is one line here.
 */
export const ENTRIES = [
  { subpath: ".", source: "index.ts", deps: ["openapi-fetch"] },
  { subpath: "./server", source: "server.ts", deps: ["openapi-fetch", "jose"] },
];
