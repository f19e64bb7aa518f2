// Writes generated/api.d.ts and the typed client entry from openapi/openapi.json.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { SPEC_PATH, generatedFiles } from "./lib/artifacts";

const files = await generatedFiles(readFileSync(SPEC_PATH, "utf8"));
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
