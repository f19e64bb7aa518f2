// `npm run client:build`: builds the publishable `@edge-auth/client` package from src/client and the generated
// types into .artifacts/client-package: ESM (dist/esm) and CommonJS (dist/cjs, its own {"type":"commonjs"}),
// each with declarations, relative imports rewritten to real `.js` files so node16/nodenext consumers resolve them.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { CLIENT_SRC, ENTRIES, PACKAGE_DIR, PACKAGE_NAME, ROOT } from "./lib/client-package.mjs";

const TSC = join(ROOT, "node_modules/.bin/tsc");
const GENERATED_API = join(ROOT, "generated/api.d.ts");
// Where the generated types land inside each format's output directory.
const GENERATED_OUT = "generated/api.d.ts";
const FORMATS = {
  esm: { module: "ES2022", moduleResolution: "Bundler" },
  // CommonJS cannot use Bundler resolution; node10 resolves the same files for this code.
  cjs: { module: "CommonJS", moduleResolution: "node10" },
};
const BUILD_DIR = join(ROOT, ".artifacts/client-build");

const rootPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const entries = ENTRIES.filter((entry) => {
  if (existsSync(join(CLIENT_SRC, entry.source))) return true;
  console.log(`client:build: entry "${entry.subpath}" left out: src/client/${entry.source} does not exist`);
  return false;
});

const walk = (dir) => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
const toPosix = (p) => p.split(sep).join("/");
const asSpecifier = (p) => (p.startsWith(".") ? p : `./${p}`);

/** The source file a relative specifier of src/client means (extensionless, `.js` or a directory index). */
function sourceOf(fromSource, specifier) {
  const target = resolve(dirname(fromSource), specifier).replace(/\.(m?js|d\.ts)$/, "");
  for (const candidate of [`${target}.ts`, join(target, "index.ts"), `${target}.d.ts`]) if (existsSync(candidate)) return candidate;
  throw new Error(`${relative(ROOT, fromSource)}: cannot resolve "${specifier}"`);
}

/** Where a source file lands in one format's output directory, as the `.js` path an import names. */
function outputOf(source, outDir) {
  if (source === GENERATED_API) return join(outDir, GENERATED_OUT.replace(/\.d\.ts$/, ".js"));
  const rel = relative(CLIENT_SRC, source);
  // Client code must stay client code: nothing from the server side of the repo may reach the package.
  if (rel.startsWith("..")) throw new Error(`src/client imports ${relative(ROOT, source)}: only src/client and generated/api.d.ts may be imported`);
  return join(outDir, rel.replace(/\.ts$/, ".js"));
}

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(["'])(\.{1,2}\/[^"']*)\2/gm;

/** Rewrites every relative import of an emitted file to the emitted `.js` it means. */
function rewriteImports(file, outDir) {
  const relOut = relative(outDir, file);
  if (relOut.startsWith("generated")) return;
  const fromSource = join(CLIENT_SRC, relOut.replace(/(\.d)?\.js$|\.d\.ts$/, ".ts"));
  const text = readFileSync(file, "utf8");
  const next = text.replace(SPECIFIER, (_m, lead, quote, specifier) => {
    const target = outputOf(sourceOf(fromSource, specifier), outDir);
    if (file.endsWith(".js") && target.endsWith(GENERATED_OUT.replace(/\.d\.ts$/, ".js"))) {
      throw new Error(`${relOut} imports the generated types at run time: use \`import type\``);
    }
    return `${lead}${quote}${asSpecifier(toPosix(relative(dirname(file), target)))}${quote}`;
  });
  if (next !== text) writeFileSync(file, next);
}

const BARE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^."'][^"']*)["']/g;

/** Every npm package an emitted file imports must be declared for the entry that ships it (else apps get "not found"). */
function checkPackageImports(outDir) {
  const declared = new Set(entries.flatMap((e) => [...e.deps, ...e.peers]));
  for (const file of walk(outDir).filter((f) => /\.(js|d\.ts)$/.test(f))) {
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(BARE)) {
      const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
      if (!declared.has(name))
        throw new Error(`${relative(PACKAGE_DIR, file)} imports "${specifier}", which no entry in scripts/lib/client-package.mjs declares`);
    }
  }
}

function tsc(args) {
  const run = spawnSync(TSC, args, { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) throw new Error(`tsc ${args.join(" ")} failed (exit ${run.status ?? run.signal})`);
}

function build() {
  rmSync(PACKAGE_DIR, { recursive: true, force: true });
  const files = entries.map((e) => join(CLIENT_SRC, e.source));
  rmSync(BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BUILD_DIR, { recursive: true });
  for (const format of Object.keys(FORMATS)) {
    const outDir = join(PACKAGE_DIR, "dist", format);
    tsc(["-p", formatConfig(format, files, outDir)]);
    mkdirSync(dirname(join(outDir, GENERATED_OUT)), { recursive: true });
    copyFileSync(GENERATED_API, join(outDir, GENERATED_OUT));
    for (const file of walk(outDir)) if (/\.(js|d\.ts)$/.test(file)) rewriteImports(file, outDir);
    checkPackageImports(outDir);
  }
  writeFileSync(join(PACKAGE_DIR, "dist/cjs/package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
  writeFileSync(join(PACKAGE_DIR, "package.json"), `${JSON.stringify(packageJson(), null, 2)}\n`);
  copyFileSync(join(ROOT, "LICENSE"), join(PACKAGE_DIR, "LICENSE"));
  writeFileSync(join(PACKAGE_DIR, "README.md"), readme());
  console.log(`client:build: ${relative(ROOT, PACKAGE_DIR)} (${entries.map((e) => `${PACKAGE_NAME}${e.subpath.slice(1)}`).join(", ")})`);
}

/** A tsconfig for one format: src/client/tsconfig.json, emitting the entries' import graphs into `outDir`. */
function formatConfig(format, files, outDir) {
  const path = join(BUILD_DIR, `tsconfig.${format}.json`);
  const config = {
    extends: join(CLIENT_SRC, "tsconfig.json"),
    compilerOptions: { ...FORMATS[format], rootDir: CLIENT_SRC, outDir, noEmit: false, declaration: true, tsBuildInfoFile: null },
    // The entries' import graphs, not the whole folder: a file no entry reaches does not ship.
    files,
    include: [],
  };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

function packageJson() {
  const exports = {};
  for (const { subpath, source } of entries) {
    const base = source.replace(/\.ts$/, "");
    exports[subpath] = {
      import: { types: `./dist/esm/${base}.d.ts`, default: `./dist/esm/${base}.js` },
      require: { types: `./dist/cjs/${base}.d.ts`, default: `./dist/cjs/${base}.js` },
    };
  }
  exports["./package.json"] = "./package.json";
  const subpathTypes = Object.fromEntries(
    entries.filter((e) => e.subpath !== ".").map((e) => [e.subpath.slice(2), [`./dist/cjs/${e.source.replace(/\.ts$/, ".d.ts")}`]]),
  );
  const deps = [...new Set(entries.flatMap((e) => e.deps))].sort();
  const peers = [...new Set(entries.flatMap((e) => e.peers))].sort();
  const versionOf = (name) => rootPkg.dependencies?.[name] ?? rootPkg.devDependencies?.[name];
  return {
    name: PACKAGE_NAME,
    version: rootPkg.version,
    description: "Typed client for edge-auth: the API client, the session client, the admin client and a resource-server verifier.",
    license: rootPkg.license,
    type: "module",
    sideEffects: false,
    engines: { node: ">=20.19" },
    exports,
    // For tools that predate `exports` (node10 resolution): the main entry only.
    main: "./dist/cjs/index.js",
    module: "./dist/esm/index.js",
    types: "./dist/cjs/index.d.ts",
    // node10 resolution cannot read `exports`; this maps the subpaths' types for it.
    ...(Object.keys(subpathTypes).length > 0 ? { typesVersions: { "*": subpathTypes } } : {}),
    files: ["dist", "README.md", "LICENSE"],
    dependencies: Object.fromEntries(deps.map((name) => [name, `^${versionOf(name)}`])),
    ...(peers.length > 0
      ? {
          peerDependencies: Object.fromEntries(peers.map((name) => [name, `^${versionOf(name)}`])),
          peerDependenciesMeta: Object.fromEntries(peers.map((name) => [name, { optional: true }])),
        }
      : {}),
  };
}

function readme() {
  return `# ${PACKAGE_NAME}

The typed client for an edge-auth service: \`createApiClient\`, \`createAuthClient\` and \`createAdminClient\` from
\`${PACKAGE_NAME}\`, and \`createVerifier\` / \`requireAuth\` for your own backend from \`${PACKAGE_NAME}/server\`.
Built from the edge-auth repository (\`npm run client:build\`); see its README, "Use it from your app".
`;
}

build();
