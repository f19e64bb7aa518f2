// Starts `wrangler dev` on a migrated local D1 and waits until /health answers.
// Shared by scripts/dev.mjs (npm start), the e2e browser check and the benchmarks.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
export const CONSOLE_BUNDLE = join(ROOT, "generated/assets/console/app.js");

const LOG_LINES = 40;
const HEALTH_TIMEOUT_MS = 90_000;

/**
 * Process environment for every wrangler call: no metrics, and no fetch of workers.cloudflare.com/cf.json
 * for `request.cf` (miniflare's placeholder is enough locally and works offline).
 */
export function wranglerEnv(extra = {}) {
  return { CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env, WRANGLER_SEND_METRICS: "false", ...extra };
}

/** Fresh secrets for a local run; the same names production sets with `wrangler secret put`. */
export function generateDevVars() {
  return {
    KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64"),
    ADMIN_EMAIL: "admin@example.com",
    ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
    PASSWORD_PEPPER: randomBytes(24).toString("base64url"),
  };
}

/** wrangler's [assets] directory before wrangler dev starts: the docs assets, and the console when missing. */
export function ensureDocsAssets() {
  const run = (script) => {
    const result = spawnSync(process.execPath, [join(ROOT, script)], { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`${script} failed: is node_modules installed (npm install)?`);
  };
  // Copied every time (cheap): the served /openapi.json must be this checkout's committed spec.
  run("scripts/docs-assets.mjs");
  if (!existsSync(CONSOLE_BUNDLE)) run("scripts/console-build.mjs");
}

/**
 * Applies src/db/migrations to the local D1 under `persistTo` (wrangler's default state when omitted).
 * `d1 migrations apply` has no --yes flag: its confirmation is skipped when stdin is not a TTY or CI is set, so both hold here.
 */
export function migrateLocalD1({ persistTo, env = {}, stdio = "pipe" } = {}) {
  const args = ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  const run = spawnSync(WRANGLER, args, {
    cwd: ROOT,
    env: wranglerEnv({ CI: "true", ...env }),
    stdio: ["ignore", stdio, stdio],
    encoding: "utf8",
  });
  if (run.status !== 0) {
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
    throw new Error(`wrangler ${args.join(" ")} failed (exit ${run.status ?? run.signal})${output ? `:\n${output}` : ""}`);
  }
  return `${run.stdout ?? ""}`;
}

function portInUse(port) {
  return new Promise((done) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Spawns `wrangler dev --ip 127.0.0.1 --port <port>` in its own process group.
 * @param {object} options
 * @param {number} [options.port=8787] 0 picks a free port (read it from the returned url)
 * @param {string} [options.persistTo] local state dir (relative to the repo root), e.g. ".wrangler/e2e-state"; wrangler's default when omitted
 * @param {boolean} [options.fresh=false] delete `persistTo` first, so the run starts from an empty database
 * @param {Record<string,string>} [options.env] extra process environment for wrangler
 * @param {Record<string,string>} [options.vars] Worker vars passed as `--var KEY:VALUE` (override .dev.vars)
 * @param {string[]} [options.args] extra wrangler dev arguments, e.g. ["--test-scheduled"] (POST /__scheduled runs the Cron handler)
 * @param {number} [options.timeoutMs=90000] how long to wait for GET /health to answer 200
 * @param {(line: string) => void} [options.onOutput] receives every line wrangler prints
 * @returns {Promise<{url: string, pid: number, output: () => string, stop: () => Promise<void>}>}
 */
export async function startWranglerDev({
  port = 8787,
  persistTo,
  fresh = false,
  env = {},
  vars = {},
  args: extraArgs = [],
  timeoutMs = HEALTH_TIMEOUT_MS,
  onOutput,
} = {}) {
  if (port === 0) port = await freePort();
  const persistDir = persistTo ? resolve(ROOT, persistTo) : undefined;
  if (fresh && persistDir) rmSync(persistDir, { recursive: true, force: true });
  if (await portInUse(port)) throw new Error(`port ${port} on 127.0.0.1 is already in use: stop that server or choose another port`);

  ensureDocsAssets();
  migrateLocalD1({ persistTo: persistDir, env });

  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"];
  if (persistDir) args.push("--persist-to", persistDir);
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  args.push(...extraArgs);

  const child = spawn(WRANGLER, args, { cwd: ROOT, env: wranglerEnv(env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines = [];
  let exited = null;
  const collect = (chunk) => {
    for (const line of chunk.toString().split(/\r?\n/)) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > LOG_LINES) lines.shift();
      onOutput?.(line);
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exit = new Promise((done) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      done(exited);
    }),
  );
  const output = () => lines.join("\n");

  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  // If the caller crashes or exits without stop(), do not leave workerd running.
  const onExit = () => killGroup("SIGKILL");
  process.once("exit", onExit);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      process.off("exit", onExit);
      if (exited) return;
      killGroup("SIGTERM");
      const timer = sleep(5_000).then(() => "timeout");
      if ((await Promise.race([exit, timer])) === "timeout") {
        killGroup("SIGKILL");
        await exit;
      }
      // workerd may outlive wrangler for a moment; make sure no one in the group survives.
      killGroup("SIGKILL");
    })());

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(`wrangler dev exited (${exited.code ?? exited.signal}) before ${url}/health answered. Last output:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { url, pid: child.pid, output, stop };
      lastError = `status ${res.status}`;
    } catch (err) {
      lastError = err?.cause?.code ?? err?.message ?? String(err);
    }
    await sleep(300);
  }
  await stop();
  throw new Error(`wrangler dev did not answer GET ${url}/health with 200 within ${timeoutMs / 1000}s (last: ${lastError}). Last output:\n${output()}`);
}
