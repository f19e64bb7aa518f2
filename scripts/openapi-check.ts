// Fails when openapi/ or generated/ differ from what the route declarations produce now.
// --root DIR compares DIR/openapi and DIR/generated instead (used by test/node to check a tampered copy).
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SPEC_PATH, generatedFiles, specText } from "./lib/artifacts";
import { ROOT } from "./lib/paths";

const { values } = parseArgs({ options: { root: { type: "string" } } });
const root = resolve(values.root ?? ROOT);

const spec = specText();
const expected: Record<string, string> = { [SPEC_PATH]: spec, ...(await generatedFiles(spec)) };
const stale = Object.entries(expected)
  .map(([path, text]) => [relative(ROOT, path), text] as const)
  .filter(([rel, text]) => !existsSync(join(root, rel)) || readFileSync(join(root, rel), "utf8") !== text)
  .map(([rel]) => rel);

if (stale.length) {
  console.error(`out of date: ${stale.join(", ")}\nrun: npm run openapi:export && npm run openapi:generate, then commit the result`);
  process.exit(1);
}
console.log("openapi/ and generated/ match the route declarations");
