// Writes openapi/openapi.json from the route declarations, without starting a server.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { SPEC_PATH, specText } from "./lib/artifacts";

mkdirSync(dirname(SPEC_PATH), { recursive: true });
writeFileSync(SPEC_PATH, specText());
console.log(`wrote ${SPEC_PATH}`);
