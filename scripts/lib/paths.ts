import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const SPEC_PATH = join(ROOT, "openapi/openapi.json");
export const GENERATED_DIR = join(ROOT, "generated");
