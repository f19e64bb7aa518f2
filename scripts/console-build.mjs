// Bundles the admin console (console/src, TypeScript + Preact + @preact/signals) into generated/assets/console so the
// Worker serves /console from the ASSETS binding, offline. Run by npm's prepare step like docs-assets.mjs;
// prints the gzipped JS size and fails above the budget (the 80 KiB), so CI holds the line.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export const CONSOLE_JS_BUDGET_KIB = 80;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "generated/assets/console");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "console/src/main.tsx")],
  outfile: join(out, "app.js"),
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(join(root, "console/index.html"), join(out, "index.html"));
copyFileSync(join(root, "console/app.css"), join(out, "app.css"));

const js = readFileSync(join(out, "app.js"));
const kib = gzipSync(js, { level: 9 }).length / 1024;
console.log(
  `console assets: ${relative(root, out)} (app.js ${(js.length / 1024).toFixed(1)} KiB, gzip: ${kib.toFixed(1)} KiB of ${CONSOLE_JS_BUDGET_KIB} KiB)`,
);
if (kib > CONSOLE_JS_BUDGET_KIB) {
  console.error(`console bundle over budget: ${kib.toFixed(1)} KiB > ${CONSOLE_JS_BUDGET_KIB} KiB gzipped`);
  process.exit(1);
}
