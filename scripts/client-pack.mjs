// `npm run client:pack`: packs the built package (.artifacts/client-package, from `npm run client:build`) into
// .artifacts/client-pack/edge-auth-client-<version>.tgz, and refuses a tarball that holds more than client code
// or could run anything at install time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { PACKAGE_DIR, PACK_DIR, ROOT } from "./lib/client-package.mjs";

// npm runs these at install (or pack) time; the package must have none.
const LIFECYCLE = ["preinstall", "install", "postinstall", "prepare", "prepack", "postpack", "prepublish", "prepublishOnly"];
const ALLOWED_FILE = /^(package\.json|README\.md|LICENSE|dist\/(esm|cjs)\/.+\.(js|d\.ts)|dist\/cjs\/package\.json)$/;

/** Packs the built package and returns the tarball's absolute path. */
export function pack() {
  if (!existsSync(join(PACKAGE_DIR, "package.json"))) throw new Error("no built package: run `npm run client:build` first");
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8"));
  const scripts = Object.keys(manifest.scripts ?? {}).filter((s) => LIFECYCLE.includes(s));
  if (scripts.length > 0 || manifest.gypfile) throw new Error(`the package would run ${scripts.join(", ") || "node-gyp"} at install`);
  rmSync(PACK_DIR, { recursive: true, force: true });
  mkdirSync(PACK_DIR, { recursive: true });
  const run = spawnSync("npm", ["pack", PACKAGE_DIR, "--json", "--pack-destination", PACK_DIR, "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`npm pack failed (exit ${run.status}):\n${run.stderr}`);
  const [info] = JSON.parse(run.stdout);
  const stray = info.files.map((f) => f.path).filter((p) => !ALLOWED_FILE.test(p));
  if (stray.length > 0) throw new Error(`the tarball holds files that are not client code: ${stray.join(", ")}`);
  const tarball = join(PACK_DIR, info.filename);
  console.log(`client:pack: ${relative(ROOT, tarball)} (${info.entryCount} files, ${(info.size / 1024).toFixed(1)} KiB)`);
  return tarball;
}

if (import.meta.url === `file://${process.argv[1]}`) pack();
