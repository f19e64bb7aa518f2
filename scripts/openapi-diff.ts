// Fails on breaking changes to openapi/openapi.json unless info.version carries the matching semver bump.
// Usage: tsx scripts/openapi-diff.ts [git-ref]            base = ref, else newest v* tag, else HEAD~1
//        tsx scripts/openapi-diff.ts --base-file A.json [--head-file B.json]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, SPEC_PATH } from "./lib/paths";

const SPEC_IN_REPO = "openapi/openapi.json";
const OPTIC = join(ROOT, "node_modules/.bin/optic");

type Base = { label: string; text: string } | { none: string };
type OpticResult = { passed: boolean; exempted: boolean; where: string; error?: string; name: string };

function git(...args: string[]) {
  const run = spawnSync("git", ["-C", ROOT, ...args], { encoding: "utf8" });
  return { ok: run.status === 0, out: run.stdout.trim() };
}

function baseFromGit(explicitRef: string | undefined): Base {
  if (!git("rev-parse", "--git-dir").ok) return { none: "not a git repository" };
  let ref = explicitRef;
  if (!ref) ref = git("tag", "--list", "v*", "--sort=-v:refname").out.split("\n")[0] || undefined;
  if (!ref && git("rev-parse", "--verify", "-q", "HEAD~1^{commit}").ok) ref = "HEAD~1";
  if (!ref) return { none: "no v* tag and no parent commit" };
  if (!git("rev-parse", "--verify", "-q", `${ref}^{commit}`).ok) {
    // A ref the user typed that does not exist is a mistake, not "no base".
    if (explicitRef) fail(`unknown git ref: ${explicitRef}`, 2);
    return { none: `${ref} is not a commit` };
  }
  const show = git("show", `${ref}:./${SPEC_IN_REPO}`);
  return show.ok ? { label: `${SPEC_IN_REPO} at ${ref}`, text: show.out } : { none: `${SPEC_IN_REPO} does not exist at ${ref}` };
}

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

function semver(version: unknown, label: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(String(version));
  if (!match) fail(`${label}: info.version ${JSON.stringify(version)} is not semver`, 2);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Runs `optic diff --check` (breaking-changes standard) offline; returns its failed checks, or why it could not run. */
function opticBreakingChanges(baseText: string, headText: string): OpticResult[] | string {
  const dir = mkdtempSync(join(tmpdir(), "openapi-diff-"));
  try {
    writeFileSync(join(dir, "base.json"), baseText);
    writeFileSync(join(dir, "head.json"), headText);
    // CI=true makes optic write its results to ./ci-run-details.json (cwd = our temp dir); the rest keeps it offline.
    const env = { ...process.env, CI: "true", OPTIC_TELEMETRY_LEVEL: "off", NO_UPDATE_NOTIFIER: "1" };
    const run = spawnSync(OPTIC, ["diff", "base.json", "head.json", "--check", "--severity", "error"], {
      cwd: dir,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    const detailsPath = join(dir, "ci-run-details.json");
    if (!existsSync(detailsPath)) return `optic diff did not complete (exit ${run.status ?? run.signal})`;
    const details = JSON.parse(readFileSync(detailsPath, "utf8")) as {
      failed: { error: string }[];
      completed: { comparison: { results: OpticResult[] } }[];
    };
    if (details.failed.length) return `optic diff failed: ${details.failed.map((f) => f.error).join("; ")}`;
    return details.completed.flatMap((c) => c.comparison.results).filter((r) => !r.passed && !r.exempted);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values, positionals } = parseArgs({
  options: { "base-file": { type: "string" }, "head-file": { type: "string" } },
  allowPositionals: true,
});
const headPath = values["head-file"] ?? SPEC_PATH;
const headText = readFileSync(headPath, "utf8");
const base: Base = values["base-file"] ? { label: values["base-file"], text: readFileSync(values["base-file"], "utf8") } : baseFromGit(positionals[0]);

if ("none" in base) {
  console.log(`openapi:diff: no base to compare with (${base.none}); nothing to check.`);
  process.exit(0);
}

const baseVersion = JSON.parse(base.text).info?.version;
const headVersion = JSON.parse(headText).info?.version;
console.log(`openapi:diff: ${base.label} (${baseVersion}) -> ${values["head-file"] ?? SPEC_IN_REPO} (${headVersion})\n`);
const [bMajor, bMinor] = semver(baseVersion, "base");
const [hMajor, hMinor] = semver(headVersion, "head");
const breaking = opticBreakingChanges(base.text, headText);
if (typeof breaking === "string") fail(breaking, 2);

if (!breaking.length) {
  console.log("\nopenapi:diff: no breaking changes.");
  process.exit(0);
}
console.log(`\nopenapi:diff: ${breaking.length} breaking change(s):`);
// Grouped by message: one schema change (e.g. a new ErrorCode) shows up under every response that uses it.
const byMessage = new Map<string, string[]>();
for (const r of breaking) byMessage.set(r.error ?? r.name, [...(byMessage.get(r.error ?? r.name) ?? []), r.where]);
for (const [message, where] of byMessage) {
  console.log(`  - ${message}\n      at ${where.slice(0, 3).join("; ")}${where.length > 3 ? `; and ${where.length - 3} more` : ""}`);
}
// Semver: breaking needs a major bump; while 0.x a minor bump is enough.
const needed = bMajor >= 1 ? "major" : "minor";
const bumped = bMajor >= 1 ? hMajor > bMajor : hMajor > bMajor || (hMajor === bMajor && hMinor > bMinor);
if (bumped) {
  console.log(`allowed: info.version carries a ${needed} bump (${baseVersion} -> ${headVersion}).`);
  process.exit(0);
}
const next = bMajor >= 1 ? `${bMajor + 1}.0.0` : `0.${bMinor + 1}.0`;
fail(`not allowed: breaking changes need a ${needed} version bump (${baseVersion} -> ${next} or later); run npm run version:bump -- ${needed}.`, 1);
