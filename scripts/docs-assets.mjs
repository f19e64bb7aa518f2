// Copies Scalar's browser bundle into generated/assets so /docs is served without a CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js");
const target = join(root, "generated/assets/scalar.js");
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`docs assets: ${target}`);
