// Fails when openapi/ or generated/ differ from what the route declarations produce now.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { SPEC_PATH, generatedFiles, specText } from "./lib/artifacts";
import { ROOT } from "./lib/paths";

const spec = specText();
const expected: Record<string, string> = { [SPEC_PATH]: spec, ...(await generatedFiles(spec)) };
const stale = Object.entries(expected)
  .filter(([path, text]) => !existsSync(path) || readFileSync(path, "utf8") !== text)
  .map(([path]) => relative(ROOT, path));

if (stale.length) {
  console.error(`out of date: ${stale.join(", ")}\nrun: npm run openapi:export && npm run openapi:generate, then commit the result`);
  process.exit(1);
}
console.log("openapi/ and generated/ match the route declarations");
