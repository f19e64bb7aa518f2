// `npm run client:check`: builds and packs `@edge-auth/client`, installs the tarball into throwaway consumer
// projects (test/client-package/consumers: bundler, node16 ESM, nodenext ESM, nodenext CJS) and proves per consumer:
//   1. the cases (test/client-package/cases) compile with skipLibCheck off and on: the types resolve and are sound;
//   2. the same cases with their `@ts-expect-error` lines bare fail on exactly those lines: the types are not `any`;
//   3. Node loads every entry the way that consumer imports it (ESM import or CJS require);
// then runs @arethetypeswrong/cli on the tarball. Offline: the tarball is unpacked into node_modules as npm would,
// and its dependencies are linked from this repo's node_modules after checking they satisfy its ranges.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PACKAGE_NAME, ROOT } from "./lib/client-package.mjs";
import { pack } from "./client-pack.mjs";

const FIXTURES = join(ROOT, "test/client-package");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
// ATTW_CLI: the CLI's dist/index.js elsewhere, for a checkout whose node_modules predates the devDependency.
const ATTW = process.env.ATTW_CLI ?? join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js");
const EXPECT_ERROR = /^\s*\/\/\s*@ts-expect-error\b.*$/;
// Which case files need what: a case is compiled only when the package has it, and says so when it is left out.
const CASE_NEEDS = { "auth.ts": { export: "createAuthClient" }, "server.ts": { entry: "./server" } };

const problems = [];
const fail = (message) => {
  problems.push(message);
  console.error(`  FAIL ${message}`);
};

function run(cmd, args, cwd) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (status) => done({ status, out }));
  });
}

/** `range` is a ^x.y.z of the package's dependencies; true when `version` satisfies it. */
function satisfies(version, range) {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m) return false;
  const [maj, min, pat] = m.slice(1).map(Number);
  const [a, b, c] = version.split(/[.-]/).map(Number);
  if (a !== maj) return false;
  if (maj === 0) return b === min && c >= pat;
  return b > min || (b === min && c >= pat);
}

/** A consumer directory with the tarball unpacked into node_modules and its dependencies linked. */
function install(tarball, manifest, dir) {
  const target = join(dir, "node_modules", PACKAGE_NAME);
  mkdirSync(target, { recursive: true });
  const untar = spawnSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    const source = join(ROOT, "node_modules", name);
    const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
    if (!satisfies(version, range)) throw new Error(`${name}@${version} in node_modules does not satisfy the package's ${range}`);
    mkdirSync(join(dir, "node_modules", name, ".."), { recursive: true });
    symlinkSync(source, join(dir, "node_modules", name), "dir");
  }
}

/** The case files this package can compile. */
function casesFor(manifest, dir) {
  const index = readFileSync(join(dir, "node_modules", PACKAGE_NAME, "dist/esm/index.d.ts"), "utf8");
  return readdirSync(join(FIXTURES, "cases")).filter((file) => {
    const need = CASE_NEEDS[file];
    if (need?.entry && !manifest.exports?.[need.entry]) return note(file, `the package has no ${need.entry} entry`);
    if (need?.export && !new RegExp(`\\b${need.export}\\b`).test(index)) return note(file, `the package exports no ${need.export}`);
    return true;
  });
}
const noted = new Set();
function note(file, why) {
  if (!noted.has(file)) console.log(`  case ${file} left out: ${why}`);
  noted.add(file);
  return false;
}

async function tsc(dir, skipLibCheck) {
  const r = await run(process.execPath, [TSC, "-p", "tsconfig.json", "--skipLibCheck", String(skipLibCheck), "--pretty", "false"], dir);
  return { ok: r.status === 0, out: r.out.trim() };
}

async function checkConsumer(name, tarball, manifest, work) {
  const dir = join(work, name);
  cpSync(join(FIXTURES, "consumers", name), dir, { recursive: true });
  install(tarball, manifest, dir);
  const cases = casesFor(manifest, dir);
  for (const file of cases) cpSync(join(FIXTURES, "cases", file), join(dir, file));

  // The same cases with the directives removed: only the lines under them may fail, and each of them must.
  const bare = join(work, `${name}-bare`);
  cpSync(dir, bare, { recursive: true, dereference: false });
  const expected = new Set();
  for (const file of cases) {
    const lines = readFileSync(join(dir, file), "utf8").split("\n");
    lines.forEach((line, i) => {
      if (EXPECT_ERROR.test(line)) expected.add(`${file}:${i + 2}`);
    });
    writeFileSync(join(bare, file), lines.map((l) => (EXPECT_ERROR.test(l) ? "" : l)).join("\n"));
  }

  for (const skipLibCheck of [false, true]) {
    const label = `${name} (skipLibCheck ${skipLibCheck})`;
    const good = await tsc(dir, skipLibCheck);
    if (good.ok) console.log(`  ok   ${label}: ${cases.join(", ")} compile`);
    else fail(`${label}: the cases do not compile:\n${good.out}`);

    const wrong = await tsc(bare, skipLibCheck);
    const failed = new Set([...wrong.out.matchAll(/^([\w.-]+\.ts)\((\d+),\d+\): error/gm)].map((m) => `${m[1]}:${m[2]}`));
    const missing = [...expected].filter((l) => !failed.has(l));
    const extra = [...failed].filter((l) => !expected.has(l));
    if (wrong.ok || missing.length > 0 || extra.length > 0) {
      fail(
        `${label}: the deliberately wrong calls must fail and nothing else: ${missing.length ? `compiled: ${missing.join(", ")}; ` : ""}${extra.length ? `unexpected errors: ${extra.join(", ")}; ` : ""}\n${wrong.out}`,
      );
    } else console.log(`  ok   ${label}: all ${expected.size} wrong calls fail to compile (${[...failed].join(", ")})`);
  }

  // What Node loads for this consumer: `import` for ESM projects, `require` for CommonJS ones.
  const cjs = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type === "commonjs";
  for (const entry of Object.keys(manifest.exports).filter((e) => e !== "./package.json")) {
    const specifier = `${PACKAGE_NAME}${entry.slice(1)}`;
    const code = cjs
      ? `const m = require(${JSON.stringify(specifier)}); console.log(Object.keys(m).sort().join(","))`
      : `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).sort().join(","))`;
    const r = await run(process.execPath, ["--input-type", cjs ? "commonjs" : "module", "-e", code], dir);
    if (r.status === 0 && r.out.trim()) console.log(`  ok   ${name}: ${cjs ? "require" : "import"}("${specifier}") -> ${r.out.trim()}`);
    else fail(`${name}: ${cjs ? "require" : "import"}("${specifier}") failed:\n${r.out}`);
  }
}

async function attw(tarball) {
  if (!existsSync(ATTW)) return fail("@arethetypeswrong/cli is not installed (it is a devDependency: npm ci)");
  const r = await run(process.execPath, [ATTW, tarball, "--format", "table-flipped", "--no-color"], ROOT);
  console.log(r.out.trim().replace(/^/gm, "  "));
  if (r.status !== 0) fail("@arethetypeswrong/cli found problems in the tarball");
  else console.log("  ok   attw: no problems");
}

const build = spawnSync(process.execPath, [join(ROOT, "scripts/client-build.mjs")], { cwd: ROOT, stdio: "inherit" });
if (build.status !== 0) process.exit(1);
const tarball = pack();
const manifest = JSON.parse(spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }).stdout);
// Outside the repository, so nothing resolves from this repo's node_modules except what install() links.
const work = mkdtempSync(join(tmpdir(), "edge-auth-client-check-"));
try {
  for (const name of readdirSync(join(FIXTURES, "consumers"))) {
    console.log(`consumer ${name}`);
    await checkConsumer(name, tarball, manifest, work);
  }
  console.log(`attw ${relative(ROOT, tarball)}`);
  await attw(tarball);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`client:check: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log("client:check: the package type-checks and loads in every consumer");
