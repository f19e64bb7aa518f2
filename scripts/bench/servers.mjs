// The processes the bench starts besides the API server (which scripts/lib/wrangler-dev.mjs runs):
// the hash worker's own `wrangler dev`, and `wrangler d1 execute` for seeding.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, WRANGLER, freePort, wranglerEnv } from "../lib/wrangler-dev.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The repo's wrangler.toml as wrangler itself reads it (defaults and validation included). */
async function readApiConfig() {
  const { unstable_readConfig } = await import("wrangler"); // loaded on demand: wrangler's bundle is large
  return unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true });
}

/**
 * The hash worker's config: scripts/bench/hash-worker.ts on the API's compatibility date and flags,
 * taken from wrangler.toml rather than copied, so the raw hash rate is measured on the same runtime.
 * Only those are carried over: the API's bindings (D1, Durable Objects, assets) the hash worker has not.
 */
export async function hashWorkerConfig() {
  const api = await readApiConfig();
  if (!api.compatibility_date) throw new Error("wrangler.toml has no compatibility_date: the hash worker cannot match the API's runtime");
  return {
    name: "edge-auth-bench-hash",
    main: join(ROOT, "scripts/bench/hash-worker.ts"),
    compatibility_date: api.compatibility_date,
    compatibility_flags: [...(api.compatibility_flags ?? [])],
  };
}

/**
 * Starts scripts/bench/hash-worker.ts under `wrangler dev` (see hashWorkerConfig).
 * Its config is generated under .wrangler/ so wrangler does not pick up the repo's wrangler.toml
 * (whose Durable Object and assets bindings the hash worker does not have).
 */
export async function startHashWorker({ vars, timeoutMs = 90_000 }) {
  const dir = join(ROOT, ".wrangler/bench-hash-worker");
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "wrangler.json");
  writeFileSync(config, JSON.stringify(await hashWorkerConfig()));
  const port = await freePort();
  const args = [
    "dev",
    "--config",
    config,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--show-interactive-dev-session=false",
    "--persist-to",
    join(dir, "state"),
  ];
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  return startProcessGroup(args, `http://127.0.0.1:${port}`, timeoutMs);
}

/** Spawns wrangler in its own process group and waits until GET `url` answers 200; stop() ends the whole group. */
async function startProcessGroup(args, url, timeoutMs) {
  const child = spawn(WRANGLER, args, { cwd: ROOT, env: wranglerEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines = [];
  const collect = (chunk) => {
    for (const line of chunk.toString().split(/\r?\n/)) if (line.trim()) lines.push(line);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exited = null;
  const exit = new Promise((done) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      done(exited);
    }),
  );
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => kill("SIGKILL");
  process.once("exit", onExit);
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      process.off("exit", onExit);
      if (!exited) {
        kill("SIGTERM");
        if ((await Promise.race([exit, sleep(5_000).then(() => "timeout")])) === "timeout") kill("SIGKILL");
      }
      kill("SIGKILL"); // workerd may outlive wrangler for a moment
    })());

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === 200) return { url, pid: child.pid, stop, output: () => lines.join("\n") };
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  await stop();
  throw new Error(
    `wrangler ${args[0]} did not answer ${url} (${exited ? `exited ${exited.code ?? exited.signal}` : "timeout"}). Last output:\n${lines.join("\n")}`,
  );
}

/** Runs a SQL file against the local D1 under `persistTo`; the API server must be stopped. */
export function executeLocalSql({ persistTo, file }) {
  const args = ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file, "--yes"];
  const run = spawnSync(WRANGLER, args, {
    cwd: ROOT,
    env: wranglerEnv({ CI: "true" }),
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0)
    throw new Error(`wrangler ${args.join(" ")} failed (exit ${run.status ?? run.signal}):\n${`${run.stdout}${run.stderr}`.trim().slice(-4000)}`);
}
