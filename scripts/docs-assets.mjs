// Copies what /docs serves into generated/assets: Scalar's browser bundle (no CDN) and the
// committed contract, openapi/openapi.json, which the Worker serves at /openapi.json.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const [source, target] of [
  ["node_modules/@scalar/api-reference/dist/browser/standalone.js", "generated/assets/scalar.js"],
  ["openapi/openapi.json", "generated/assets/openapi.json"],
]) {
  mkdirSync(dirname(join(root, target)), { recursive: true });
  copyFileSync(join(root, source), join(root, target));
}
console.log("docs assets: generated/assets/scalar.js, generated/assets/openapi.json");
