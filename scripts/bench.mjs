// `npm run bench`: requests/s and p50/p99 latency of the Auth and Admin APIs against a real
// `wrangler dev`, each as a ratio to a baseline measured in the same run (and, for the API rows, to the
// floor: a route doing exactly one indexed D1 read); results in .artifacts/bench.json.
// Env: BENCH_DURATION (s, 5), BENCH_CONNECTIONS (10), BENCH_WARMUP (s, 3); for the scrypt-bound
// register, login and raw hash (measured alike): BENCH_SLOW_DURATION (s, 2 × BENCH_DURATION) and
// BENCH_SLOW_CONNECTIONS (4; see isDevProxyDrop); BENCH_SEED_USERS (10000), BENCH_REFRESH_SESSIONS (auto);
// BENCH_MAX_DRIFT (0.15: past this change of a baseline between first and last run, its ratios are flagged);
// BENCH_URL (+ BENCH_ADMIN_EMAIL, BENCH_ADMIN_PASSWORD) to measure a server that is already running.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, generateDevVars, startWranglerDev } from "./lib/wrangler-dev.mjs";
import { ApiClient, pool } from "./bench/api.mjs";
import { measure, stopAllLoad } from "./bench/load.mjs";
import { CURRENT_PARAMS, hashPassword } from "./bench/password-hash.mjs";
import { RefreshPool, USES_PER_SESSION } from "./bench/refresh-pool.mjs";
import { MAX_BAD_FRACTION, MAX_DRIFT, brokenRows, drift, machineInfo, printDrift, printTable, withRatios } from "./bench/report.mjs";
import { seedUsers } from "./bench/seed.mjs";
import { hashWorkerConfig, startHashWorker } from "./bench/servers.mjs";

const STATE_DIR = ".wrangler/bench-state";
const OUTPUT = join(ROOT, ".artifacts/bench.json");
const USER_PASSWORD = "bench user passphrase 7f3k";

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

const duration = positive("BENCH_DURATION", 5);
const settings = {
  duration,
  slowDuration: positive("BENCH_SLOW_DURATION", duration * 2),
  warmup: positive("BENCH_WARMUP", 3),
  connections: Math.max(1, Math.round(positive("BENCH_CONNECTIONS", 10))),
  slowConnections: Math.max(1, Math.round(positive("BENCH_SLOW_CONNECTIONS", 4))),
  seedUsers: Math.round(positive("BENCH_SEED_USERS", 10_000)),
  refreshSessions: process.env.BENCH_REFRESH_SESSIONS ? Math.round(positive("BENCH_REFRESH_SESSIONS", 0)) : null,
  maxDrift: positive("BENCH_MAX_DRIFT", MAX_DRIFT),
};
const external = process.env.BENCH_URL?.replace(/\/+$/, "") || null;

const log = (...args) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args);
const running = new Set(); // servers to stop on exit

async function stopServer(server) {
  running.delete(server);
  await server.stop();
}

async function startApi(vars, fresh) {
  const server = await startWranglerDev({ port: 0, persistTo: STATE_DIR, fresh, vars });
  running.add(server);
  return server;
}

/** Logins run in parallel ahead of the refresh measurement: one session (chain of refresh tokens) each. */
async function mintRefreshSessions(api, projectId, email, count) {
  const started = Date.now();
  const tokens = await pool(count, settings.slowConnections, async () => (await api.login(projectId, email, USER_PASSWORD)).refreshToken);
  log(`minted ${count} refresh sessions by login in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return tokens;
}

/**
 * A server with an owner session, the bench's project and its seeded users. Locally: wrangler dev on a
 * fresh database, stopped while `wrangler d1 execute` seeds the users, then started again.
 */
async function prepare({ projectId, vars, adminEmail, adminPassword, seededHash }) {
  if (external) {
    const client = new ApiClient(external);
    await client.adminLogin(adminEmail, adminPassword);
    await client.createProject(projectId);
    log(`seeding ${settings.seedUsers} users through the Admin API (invited, no password: no hashing)`);
    await pool(settings.seedUsers, settings.connections, (i) =>
      client.call("POST", `/api/admin/projects/${projectId}/users`, {
        admin: true,
        body: { email: `seed-${String(i).padStart(6, "0")}@bench.example`, displayName: `Seed User ${i}` },
      }),
    );
    return { server: null, client };
  }
  log(`starting wrangler dev on a fresh ${STATE_DIR}`);
  let server = await startApi(vars, true);
  const setup = new ApiClient(server.url);
  await setup.adminLogin(adminEmail, adminPassword); // creates the owner from ADMIN_EMAIL/ADMIN_PASSWORD
  await setup.createProject(projectId); // and its signing key, which only the API can make
  await stopServer(server);
  if (settings.seedUsers > 0) {
    log(`seeding ${settings.seedUsers} users into the local D1 (wrangler d1 execute)`);
    seedUsers({ persistTo: STATE_DIR, projectId, count: settings.seedUsers, passwordHash: seededHash });
  }
  server = await startApi(vars, false);
  const client = new ApiClient(server.url);
  await client.adminLogin(adminEmail, adminPassword);
  return { server, client };
}

/** The raw hash rate in its own workerd, with nothing else running (the API server would share the CPUs). */
async function measureRawHash(key, { seededHash, pepper, loginBody, run }) {
  log(`starting the hash worker (scripts/bench/hash-worker.ts) for ${key}`);
  const hashWorker = await startHashWorker({ vars: { BENCH_HASH: seededHash, PASSWORD_PEPPER: pepper } });
  running.add(hashWorker);
  try {
    const hashSpec = { method: "POST", path: "/", slow: true, headers: { "Content-Type": "application/json" }, body: loginBody };
    const opts = {
      baseUrl: hashWorker.url,
      probeUrl: hashWorker.url,
      connections: settings.slowConnections,
      warmup: settings.warmup,
      duration: settings.slowDuration,
    };
    return await run(key, hashSpec, opts);
  } finally {
    await stopServer(hashWorker);
  }
}

async function main() {
  const runId = Date.now().toString(36);
  const projectId = `bench_${runId}`;
  const vars = { ...generateDevVars(), ADMIN_EMAIL: "bench-admin@example.com" };
  const adminEmail = external ? process.env.BENCH_ADMIN_EMAIL : vars.ADMIN_EMAIL;
  const adminPassword = external ? process.env.BENCH_ADMIN_PASSWORD : vars.ADMIN_PASSWORD;
  if (external && (!adminEmail || !adminPassword))
    throw new Error("BENCH_URL needs BENCH_ADMIN_EMAIL and BENCH_ADMIN_PASSWORD (an admin or owner of that server)");
  const machine = machineInfo();
  log(`settings ${JSON.stringify(settings)}; ${machine.cpus} CPUs, load ${machine.loadAverage.join(" ")}`);
  const { compatibility_date, compatibility_flags } = await hashWorkerConfig();
  const parameters = {
    scrypt: CURRENT_PARAMS,
    peppered: true,
    compatibility_date,
    compatibility_flags,
    from: "src/crypto/password.ts (hashPassword, verifyPassword), wrangler.toml",
  };
  log(
    `scrypt ln=${CURRENT_PARAMS.ln} r=${CURRENT_PARAMS.r} p=${CURRENT_PARAMS.p} peppered like the bench's server (src/crypto/password.ts); workerd ${compatibility_date} [${compatibility_flags.join(", ")}] (wrangler.toml)`,
  );

  const seededHash = await hashPassword(USER_PASSWORD, vars.PASSWORD_PEPPER);
  const email = `login-${runId}@bench.example`;
  const loginBody = JSON.stringify({ email, password: USER_PASSWORD });
  const results = {};
  const run = async (key, spec, opts) => {
    log(`measuring ${key} …`);
    const r = await measure(spec, opts);
    log(
      `  ${r.requestsPerSecond.toFixed(1)} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, ${r.requests} requests, ${r.non2xx} non-2xx, ${r.errors} errors`,
    );
    return r;
  };
  const rawHash = { seededHash, pepper: vars.PASSWORD_PEPPER, loginBody, run };

  // The raw hash rate first and again last: its drift says whether the machine's load held still.
  results.hashBefore = await measureRawHash("hashBefore", rawHash);

  const { server, client } = await prepare({ projectId, vars, adminEmail, adminPassword, seededHash });
  const baseUrl = client.baseUrl;
  log(`server ${baseUrl}, project ${projectId}`);

  const seen = await client.countUsers(projectId);
  if (seen !== settings.seedUsers) throw new Error(`the server sees ${seen} users in ${projectId}, expected the ${settings.seedUsers} seeded`);
  if (!external && settings.seedUsers > 0) await client.login(projectId, "seed-000000@bench.example", USER_PASSWORD); // the seeded hash works
  await client.register(projectId, { email, password: USER_PASSWORD, displayName: "Bench Login User" });

  const common = { baseUrl, probeUrl: `${baseUrl}/health`, connections: settings.connections, warmup: settings.warmup };
  const fast = { ...common, duration: settings.duration };
  const slow = { ...common, duration: settings.slowDuration, connections: settings.slowConnections };
  const auth = `/api/auth/${projectId}`;
  const admin = { "X-Admin-Session": client.adminSession };
  const health = { path: "/health" };
  // The load of a shared machine drifts within minutes, so every endpoint compared with /health
  // gets its own /health measurement right before it; `baseline` in the JSON.
  const againstHealth = async (key, spec) => {
    const baseline = key === "floor" ? results.health : await run(`health (baseline of ${key})`, health, fast);
    results[key] = { ...(await run(key, spec, fast)), baseline };
  };

  // The Auth API: /me and /refresh against /health, and against the platform's floor: a route doing
  // exactly one indexed D1 read (GET /api/admin/me: the admin session by its token hash, nothing else).
  results.health = await run("health", health, fast);
  await againstHealth("floor", { path: "/api/admin/me", headers: admin });
  const { accessToken } = await client.login(projectId, email, USER_PASSWORD);
  await againstHealth("me", { path: `${auth}/me`, headers: { Authorization: `Bearer ${accessToken}` } });

  // Enough sessions that the expected refreshes never need one session more than USES_PER_SESSION times.
  const expected = Math.ceil(results.me.requestsPerSecond * 0.8 * settings.duration) + settings.connections * 5;
  const sessions = settings.refreshSessions ?? Math.min(400, Math.ceil(expected / USES_PER_SESSION) + settings.connections + 1);
  const refreshPool = new RefreshPool(await mintRefreshSessions(client, projectId, email, sessions));
  await againstHealth("refresh", {
    ...refreshPool.request(`${auth}/refresh`),
    warmupAmount: () => Math.min(settings.connections * 5, refreshPool.safeAmount(settings.connections)),
    amount: () => Math.max(settings.connections, refreshPool.safeAmount(settings.connections)),
    onStart: (load) => (refreshPool.onDry = () => load.stop()),
    extra: () => ({ refreshPool: refreshPool.stats() }),
  });
  results.refresh.stoppedEarly = results.refresh.durationSeconds < settings.duration - 0.5;
  if (results.refresh.stoppedEarly)
    log(
      `  refresh ran out of fresh tokens after ${results.refresh.requests} requests (${results.refresh.durationSeconds} s); set BENCH_REFRESH_SESSIONS higher for a full run`,
    );

  // The well-known documents, which verifiers fetch: served from the isolate's project cache.
  await againstHealth("jwks", { path: `${auth}/.well-known/jwks.json` });
  await againstHealth("openidConfiguration", { path: `${auth}/.well-known/openid-configuration` });

  // The Admin API, against /health; the audit log now holds a row for every refresh above.
  await againstHealth("adminProjects", { path: "/api/admin/projects", headers: admin });
  await againstHealth("adminUsers", { path: `/api/admin/projects/${projectId}/users?limit=50`, headers: admin });
  await againstHealth("adminLogs", { path: "/api/admin/logs?limit=50", headers: admin });
  results.healthEnd = await run("healthEnd", health, fast);

  // Register and login, against the raw hash rate measured right after them.
  let registered = 0;
  results.register = await run(
    "register",
    {
      method: "POST",
      path: `${auth}/register`,
      slow: true,
      headers: { "Content-Type": "application/json" },
      // wrangler dev passes a client's CF-Connecting-IP through (Cloudflare's edge sets it in production):
      // one address per sign-up, as real sign-ups come from many clients, so register.ip (30/h) is not tripped.
      setupRequest: (req) => {
        const n = ++registered;
        return {
          ...req,
          headers: { ...req.headers, "CF-Connecting-IP": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
          body: JSON.stringify({ email: `reg-${runId}-${n}@bench.example`, password: USER_PASSWORD, displayName: `Registered ${n}` }),
        };
      },
    },
    slow,
  );
  results.login = await run(
    "login",
    { method: "POST", path: `${auth}/login`, slow: true, headers: { "Content-Type": "application/json" }, body: loginBody },
    slow,
  );
  if (server) await stopServer(server);

  // The raw hash rate again, right after login and register (their baseline), with the API server stopped.
  results.hash = await measureRawHash("hash", rawHash);

  // Report.
  const rows = withRatios(results);
  console.log("");
  printTable(rows);
  const drifts = drift(results, settings.maxDrift);
  console.log("");
  printDrift(drifts);
  const broken = brokenRows(rows);
  const report = {
    settings: { ...settings, external: Boolean(external), stateDir: external ? null : STATE_DIR },
    machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
    projectId,
    seededUsers: seen,
    parameters,
    drift: drifts,
    results: rows,
    failed: broken.map((r) => r.key),
  };
  mkdirSync(join(ROOT, ".artifacts"), { recursive: true });
  writeFileSync(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nTargets are information only. Results: ${relative(process.cwd(), OUTPUT) || OUTPUT}`);
  if (broken.length) {
    for (const r of broken) {
      const proxy = r.devProxy503
        ? ` (${r.devProxy503} of them 503s of wrangler's dev proxy, not of the worker: see isDevProxyDrop in scripts/bench/api.mjs)`
        : "";
      console.error(
        `FAILED ${r.endpoint}: ${r.non2xx} non-2xx${proxy} and ${r.errors} errors of ${r.requests} (over ${MAX_BAD_FRACTION * 100}%) ${r.errorSamples.join(" | ")}`,
      );
    }
    process.exitCode = 1;
  }
}

async function cleanup() {
  stopAllLoad();
  await Promise.allSettled([...running].map((s) => stopServer(s)));
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: stopping servers`);
    cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (err) {
  console.error(`[bench] failed: ${err?.stack ?? err}`);
  for (const server of running) console.error(`[bench] last output of the server at ${server.url}:\n${server.output()}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
