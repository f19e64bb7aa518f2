// `npm run soak`: mixed traffic against a real `wrangler dev` (fresh local state) for a bounded time,
// then checks that nothing was lost. N virtual users each loop a journey
//   register → me → refresh ×R (keeping the newest token) → me → logout → login → me → logout
// (one client IP per journey, as real sign-ups come from many clients: register.ip stays at its
// default), and one admin loop lists projects, the project's users and the audit log.
// At the deadline no new request starts; those in flight finish. Then it verifies:
//   - every user whose registration answered 201 is listed by GET /api/admin/projects/{id}/users
//     (all pages, by cursor), and no id is listed twice;
//   - no app 5xx (any 5xx that is not wrangler's dev-proxy drop, see isDevProxyDrop);
//   - wrangler's dev proxy dropped at most MAX_PROXY_DROP_SHARE of the soak's requests;
//   - every journey step answered as expected (status, same user), and each virtual user's last
//     tokens behave: a session still open at the deadline refreshes once more (200) and is logged
//     out, then the last refresh token → 401 INVALID_TOKEN and the last access token on /me → 401.
// Exits 1 on any failure. Results: .artifacts/soak.json.
// Env: SOAK_SECONDS (60), SOAK_USERS (6), SOAK_REFRESHES (3 per session), SOAK_PROXY_RETRIES (3),
// SOAK_MAX_PROXY_DROP_SHARE (0.05).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, generateDevVars, startWranglerDev } from "../lib/wrangler-dev.mjs";
import { ApiClient, isDevProxyDrop } from "./api.mjs";
import { MAX_PROXY_DROP_SHARE, machineInfo, proxyDrops } from "./report.mjs";

const STATE_DIR = ".wrangler/soak-state";
const OUTPUT = join(ROOT, ".artifacts/soak.json");
const USER_PASSWORD = "soak user passphrase 4q9z";
const REQUEST_TIMEOUT_MS = 120_000;
const MAX_FAILURE_SAMPLES = 30;
const PAGE_SIZE = 20; // users per page when verifying

function number(name, fallback, { min = 0, integer = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got "${raw}"`);
  }
  return value;
}

const settings = {
  seconds: number("SOAK_SECONDS", 60, { min: 1 }),
  users: number("SOAK_USERS", 6, { min: 1, integer: true }),
  refreshesPerSession: number("SOAK_REFRESHES", 3, { min: 1, integer: true }),
  proxyRetries: number("SOAK_PROXY_RETRIES", 3, { min: 0, integer: true }),
  maxProxyDropShare: number("SOAK_MAX_PROXY_DROP_SHARE", MAX_PROXY_DROP_SHARE, { min: 0 }),
};

const log = (...args) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}]`, ...args);
const running = new Set(); // servers to stop on exit

// ---------------------------------------------------------------------------------------------
// Recording: per endpoint (method + path template) the status counts and the latency of every answer.

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank] * 10) / 10;
}

function latencySummary(values) {
  const sorted = Float64Array.from(values).sort();
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    mean: mean === null ? null : Math.round(mean * 10) / 10,
  };
}

const isEnvelope = (json) => json !== null && typeof json === "object" && typeof json.success === "boolean";

class Recorder {
  constructor() {
    this.endpoints = new Map();
    this.app5xx = []; // samples
    this.other5xx = []; // 5xx that are neither a dev-proxy drop nor in our envelope
    this.transportErrors = [];
  }

  entry(endpoint) {
    let e = this.endpoints.get(endpoint);
    if (!e) {
      e = { statuses: {}, latencies: [], proxyDrops: 0, proxyDropLatencies: [], transportErrors: 0, app5xx: 0, other5xx: 0 };
      this.endpoints.set(endpoint, e);
    }
    return e;
  }

  answer(endpoint, status, ms, json, text) {
    const e = this.entry(endpoint);
    e.statuses[status] = (e.statuses[status] ?? 0) + 1;
    e.latencies.push(ms);
    if (status >= 500) {
      const sample = { endpoint, status, body: text.slice(0, 300) };
      if (isEnvelope(json)) {
        e.app5xx++;
        this.app5xx.push(sample);
      } else {
        e.other5xx++;
        this.other5xx.push(sample);
      }
    }
  }

  proxyDrop(endpoint, ms) {
    const e = this.entry(endpoint);
    e.proxyDrops++;
    e.proxyDropLatencies.push(ms);
  }

  transportError(endpoint, ms, err) {
    const e = this.entry(endpoint);
    e.transportErrors++;
    this.transportErrors.push({ endpoint, afterMs: Math.round(ms), error: String(err?.cause?.code ?? err?.name ?? err) });
  }

  summary(elapsedSeconds) {
    const rows = [];
    const all = [];
    let answers = 0;
    let proxyDrops = 0;
    let transportErrors = 0;
    for (const [endpoint, e] of this.endpoints) {
      const n = e.latencies.length;
      answers += n;
      proxyDrops += e.proxyDrops;
      transportErrors += e.transportErrors;
      all.push(...e.latencies);
      rows.push({
        endpoint,
        requests: n + e.proxyDrops + e.transportErrors,
        answers: n,
        requestsPerSecond: elapsedSeconds > 0 ? (n + e.proxyDrops + e.transportErrors) / elapsedSeconds : 0,
        statuses: e.statuses,
        latencyMs: latencySummary(e.latencies),
        proxyDrops: e.proxyDrops,
        proxyDropLatencyMs: e.proxyDrops ? latencySummary(e.proxyDropLatencies) : null,
        transportErrors: e.transportErrors,
        app5xx: e.app5xx,
        other5xx: e.other5xx,
      });
    }
    const requests = answers + proxyDrops + transportErrors;
    return {
      rows,
      overall: {
        requests,
        answers,
        requestsPerSecond: elapsedSeconds > 0 ? requests / elapsedSeconds : 0,
        latencyMs: latencySummary(all),
        proxyDrops,
        transportErrors,
        app5xx: this.app5xx.length,
        other5xx: this.other5xx.length,
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// One HTTP exchange, recorded. A dev-proxy drop is recorded as such and the request sent again
// (up to SOAK_PROXY_RETRIES times): every call here is safe to repeat — register answers 409 if the
// dropped attempt went through, refresh hands out the same successor within 10 s, logout is idempotent.

function makeSender(baseUrl, recorder) {
  return async function send(endpoint, method, path, { body, headers = {} } = {}) {
    let drops = 0;
    for (;;) {
      const started = performance.now();
      let status;
      let text;
      try {
        const res = await fetch(baseUrl + path, {
          method,
          headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        text = await res.text();
        status = res.status;
      } catch (err) {
        recorder.transportError(endpoint, performance.now() - started, err);
        return { status: 0, json: null, text: "", drops, error: String(err?.cause?.code ?? err?.message ?? err) };
      }
      const ms = performance.now() - started;
      if (isDevProxyDrop(status, text)) {
        recorder.proxyDrop(endpoint, ms);
        drops++;
        if (drops <= settings.proxyRetries) continue;
        return { status, json: null, text, drops, proxyDrop: true };
      }
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      recorder.answer(endpoint, status, ms, json, text);
      return { status, json, text, drops };
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The virtual users.

class Failures {
  constructor() {
    this.count = 0;
    this.byStep = {};
    this.samples = [];
  }

  add(where, step, res, message) {
    this.count++;
    this.byStep[step] = (this.byStep[step] ?? 0) + 1;
    if (this.samples.length < MAX_FAILURE_SAMPLES) {
      this.samples.push({
        where,
        step,
        status: res?.status ?? null,
        code: res?.json?.code ?? null,
        message: message ?? res?.json?.error ?? res?.error ?? (res?.proxyDrop ? "dev-proxy drop on every attempt" : res?.text?.slice(0, 200)) ?? null,
      });
    }
  }
}

const ipOf = (n) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/**
 * A virtual user: loops journeys until `stop()` says so (checked before every request). Keeps its
 * current tokens; `session.live` tells whether its last session is still open.
 */
async function virtualUser({ vu, send, auth, runId, stop, failures, registrations, nextIp }) {
  const state = { vu, journeys: 0, completedJourneys: 0, userId: null, email: null, ip: null, accessToken: null, refreshToken: null, live: false };
  const bearer = () => ({ Authorization: `Bearer ${state.accessToken}`, "CF-Connecting-IP": state.ip });
  const where = () => `vu${vu} journey ${state.journeys}`;

  /** Sends one step and checks its status; false ends the journey. */
  const step = async (name, expected, method, path, options) => {
    const res = await send(`${method} ${path.replace(auth, "/api/auth/{p}")}`, method, path, options);
    if (res.status === expected && res.json?.success === true) return res;
    failures.add(where(), name, res, res.status === expected ? "answer is not a success envelope" : `expected ${expected}`);
    return null;
  };
  const takeTokens = (data) => {
    state.accessToken = data.accessToken;
    state.refreshToken = data.refreshToken;
    state.live = true;
  };
  const sameUser = (name, data) => {
    if (data?.id === state.userId) return true;
    failures.add(where(), name, null, `answered user ${data?.id}, expected ${state.userId}`);
    return false;
  };
  const me = async (name) => {
    const res = await step(name, 200, "GET", `${auth}/me`, { headers: bearer() });
    return res !== null && sameUser(name, res.json.data);
  };
  const logout = async (name) => {
    const res = await step(name, 200, "POST", `${auth}/logout`, { headers: { "CF-Connecting-IP": state.ip }, body: { refreshToken: state.refreshToken } });
    if (res) state.live = false;
    return res !== null;
  };

  async function journey() {
    state.journeys++;
    state.ip = ipOf(nextIp());
    const email = `soak-${runId}-u${vu}-${state.journeys}@soak.example`;
    const registration = { vu, journey: state.journeys, email, status: null, userId: null, afterProxyDrop: false };
    registrations.push(registration);
    const res = await send("POST /api/auth/{p}/register", "POST", `${auth}/register`, {
      headers: { "CF-Connecting-IP": state.ip },
      body: { email, password: USER_PASSWORD, displayName: `Soak user ${vu}.${state.journeys}` },
    });
    registration.status = res.proxyDrop ? "proxy-drop" : res.status;
    if (res.status === 201 && res.json?.success) {
      registration.userId = res.json.data.user.id;
      state.userId = registration.userId;
      state.email = email;
      takeTokens(res.json.data);
    } else if (res.status === 409 && res.drops > 0) {
      // The dropped attempt reached the worker: the user exists, but its 201 never arrived. Log in instead.
      registration.afterProxyDrop = true;
      if (stop()) return;
      const login = await step("login (after a dropped register)", 200, "POST", `${auth}/login`, {
        headers: { "CF-Connecting-IP": state.ip },
        body: { email, password: USER_PASSWORD },
      });
      if (!login) return;
      registration.userId = login.json.data.user.id;
      state.userId = registration.userId;
      state.email = email;
      takeTokens(login.json.data);
    } else {
      failures.add(where(), "register", res, "expected 201");
      return;
    }

    if (stop() || !(await me("me after register"))) return;
    for (let i = 1; i <= settings.refreshesPerSession; i++) {
      if (stop()) return;
      const refreshed = await step(`refresh #${i}`, 200, "POST", `${auth}/refresh`, {
        headers: { "CF-Connecting-IP": state.ip },
        body: { refreshToken: state.refreshToken },
      });
      if (!refreshed) return;
      takeTokens(refreshed.json.data);
    }
    if (stop() || !(await me("me after refresh"))) return;
    if (stop() || !(await logout("logout (registered session)"))) return;
    if (stop()) return;
    const login = await step("login", 200, "POST", `${auth}/login`, {
      headers: { "CF-Connecting-IP": state.ip },
      body: { email: state.email, password: USER_PASSWORD },
    });
    if (!login) return;
    takeTokens(login.json.data);
    if (!sameUser("login", login.json.data.user)) return;
    if (stop() || !(await me("me after login"))) return;
    if (stop() || !(await logout("logout (login session)"))) return;
    state.completedJourneys++;
  }

  while (!stop()) {
    const before = failures.count;
    await journey();
    // After a failed step, end a session the journey left open before starting the next one.
    if (failures.count > before && state.live && !stop()) await logout("logout (after a failed step)");
  }
  return state;
}

/** The admin loop: projects, the project's users (first page), the audit log (first page). */
async function adminLoop({ send, adminSession, projectId, stop, failures }) {
  const headers = { "X-Admin-Session": adminSession, "CF-Connecting-IP": "10.255.255.254" };
  const calls = [
    ["GET /api/admin/projects", "/api/admin/projects"],
    ["GET /api/admin/projects/{p}/users?limit=50", `/api/admin/projects/${projectId}/users?limit=50`],
    ["GET /api/admin/logs?limit=50", "/api/admin/logs?limit=50"],
  ];
  let rounds = 0;
  while (!stop()) {
    for (const [endpoint, path] of calls) {
      if (stop()) break;
      const res = await send(endpoint, "GET", path, { headers });
      if (res.status !== 200 || res.json?.success !== true || !Array.isArray(res.json.data))
        failures.add(`admin round ${rounds + 1}`, endpoint, res, "expected 200 with a list");
    }
    rounds++;
  }
  return rounds;
}

// ---------------------------------------------------------------------------------------------
// Verification after the deadline (its requests are recorded apart from the soak's figures).

/** Every user id of the project, walking all pages by cursor (small pages, so the cursor is exercised). */
async function listAllUserIds(client, projectId) {
  const ids = [];
  let cursor = null;
  let pages = 0;
  do {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) });
    const page = await client.call("GET", `/api/admin/projects/${projectId}/users?${query}`, { admin: true });
    ids.push(...page.data.map((u) => u.id));
    cursor = page.meta?.nextCursor ?? null;
    pages++;
  } while (cursor);
  return { ids, pages };
}

/** The last tokens of each virtual user: an open session must still refresh, and once logged out neither token works. */
async function verifyLastTokens({ states, send, auth, failures }) {
  const results = [];
  for (const s of states) {
    const where = `vu${s.vu} final tokens`;
    const result = { vu: s.vu, userId: s.userId, openAtDeadline: s.live, ok: true };
    results.push(result);
    const fail = (step, res, message) => {
      result.ok = false;
      failures.add(where, step, res, message);
    };
    if (!s.refreshToken) {
      fail("tokens", null, "this virtual user never obtained tokens");
      continue;
    }
    const headers = { "CF-Connecting-IP": s.ip };
    if (s.live) {
      // Cut off by the deadline mid-journey: its newest refresh token must be the session's current one.
      const refreshed = await send("POST /api/auth/{p}/refresh", "POST", `${auth}/refresh`, { headers, body: { refreshToken: s.refreshToken } });
      result.refreshOpenSession = refreshed.status;
      if (refreshed.status !== 200 || !refreshed.json?.success) {
        fail("refresh of the session open at the deadline", refreshed, "expected 200");
        continue;
      }
      s.accessToken = refreshed.json.data.accessToken;
      s.refreshToken = refreshed.json.data.refreshToken;
      const out = await send("POST /api/auth/{p}/logout", "POST", `${auth}/logout`, { headers, body: { refreshToken: s.refreshToken } });
      result.logout = out.status;
      if (out.status !== 200) {
        fail("logout of the session open at the deadline", out, "expected 200");
        continue;
      }
    }
    const refresh = await send("POST /api/auth/{p}/refresh", "POST", `${auth}/refresh`, { headers, body: { refreshToken: s.refreshToken } });
    result.refreshAfterLogout = `${refresh.status} ${refresh.json?.code ?? ""}`.trim();
    if (refresh.status !== 401 || refresh.json?.code !== "INVALID_TOKEN")
      fail("refresh with the last refresh token after logout", refresh, "expected 401 INVALID_TOKEN");
    const me = await send("GET /api/auth/{p}/me", "GET", `${auth}/me`, { headers: { ...headers, Authorization: `Bearer ${s.accessToken}` } });
    result.meAfterLogout = `${me.status} ${me.json?.code ?? ""}`.trim();
    if (me.status !== 401 || me.json?.code !== "INVALID_TOKEN") fail("me with the last access token after logout", me, "expected 401 INVALID_TOKEN");
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report.

const fixed = (n, digits = 0) => (n === null || n === undefined ? "-" : n.toFixed(digits));
const percent = (share) => `${(share * 100).toFixed(1)}%`;

function printTable(rows, overall) {
  const header = ["endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "statuses", "proxy drops"];
  const line = (r) => [
    r.endpoint,
    String(r.requests),
    fixed(r.requestsPerSecond, 1),
    fixed(r.latencyMs.p50),
    fixed(r.latencyMs.p99),
    fixed(r.latencyMs.max),
    Object.entries(r.statuses ?? {})
      .map(([s, n]) => `${s}×${n}`)
      .join(" ") + (r.transportErrors ? ` err×${r.transportErrors}` : ""),
    String(r.proxyDrops),
  ];
  const lines = rows.map(line);
  lines.push(line({ endpoint: "all", ...overall, statuses: null }));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  lines.forEach((l, i) => {
    if (i === lines.length - 1) console.log(widths.map((w) => "-".repeat(w)).join("  "));
    console.log(fmt(l));
  });
}

const ENDPOINT_ORDER = [
  "POST /api/auth/{p}/register",
  "POST /api/auth/{p}/login",
  "GET /api/auth/{p}/me",
  "POST /api/auth/{p}/refresh",
  "POST /api/auth/{p}/logout",
  "GET /api/admin/projects",
  "GET /api/admin/projects/{p}/users?limit=50",
  "GET /api/admin/logs?limit=50",
];
const byOrder = (a, b) => (ENDPOINT_ORDER.indexOf(a.endpoint) + 1 || 99) - (ENDPOINT_ORDER.indexOf(b.endpoint) + 1 || 99);

// ---------------------------------------------------------------------------------------------

async function main() {
  const runId = Date.now().toString(36);
  const projectId = `soak_${runId}`;
  const vars = { ...generateDevVars(), ADMIN_EMAIL: "soak-admin@example.com" };
  const machine = machineInfo();
  log(`settings ${JSON.stringify(settings)}; ${machine.cpus} CPUs, load ${machine.loadAverage.join(" ")}`);

  log(`starting wrangler dev on a fresh ${STATE_DIR}`);
  const server = await startWranglerDev({ port: 0, persistTo: STATE_DIR, fresh: true, vars });
  running.add(server);
  const client = new ApiClient(server.url);
  await client.adminLogin(vars.ADMIN_EMAIL, vars.ADMIN_PASSWORD); // creates the owner from ADMIN_EMAIL/ADMIN_PASSWORD
  await client.call("POST", "/api/admin/projects", {
    admin: true,
    body: { id: projectId, name: `Soak ${runId}`, environment: "development", description: "Created by npm run soak" },
  });
  log(`server ${server.url}, project ${projectId}; default rate limits, one client IP per journey`);

  const recorder = new Recorder();
  const send = makeSender(server.url, recorder);
  const failures = new Failures();
  const registrations = [];
  const auth = `/api/auth/${projectId}`;
  let ipCounter = 0;
  const started = Date.now();
  const deadline = started + settings.seconds * 1000;
  const stop = () => Date.now() >= deadline;

  log(`soaking for ${settings.seconds} s: ${settings.users} virtual users + 1 admin loop`);
  const progress = setInterval(() => {
    const { overall } = recorder.summary((Date.now() - started) / 1000);
    log(
      `  ${Math.round((Date.now() - started) / 1000)} s: ${overall.requests} requests, ${registrations.filter((r) => r.status === 201).length} registrations, ${failures.count} failures, ${overall.proxyDrops} proxy drops`,
    );
  }, 10_000);
  const vus = Array.from({ length: settings.users }, (_, i) =>
    virtualUser({ vu: i + 1, send, auth, runId, stop, failures, registrations, nextIp: () => ++ipCounter }),
  );
  const admin = adminLoop({ send, adminSession: client.adminSession, projectId, stop, failures });
  const states = await Promise.all(vus);
  const adminRounds = await admin;
  clearInterval(progress);
  const elapsedSeconds = (Date.now() - started) / 1000;
  const soak = recorder.summary(elapsedSeconds);
  soak.rows.sort(byOrder);
  log(`deadline reached; in-flight requests finished after ${elapsedSeconds.toFixed(1)} s`);

  // Verification.
  log("verifying: users by cursor, last tokens of each virtual user");
  const verifyRecorder = new Recorder();
  const verifySend = makeSender(server.url, verifyRecorder);
  const tokenChecks = await verifyLastTokens({ states, send: verifySend, auth, failures });
  const { ids, pages } = await listAllUserIds(client, projectId);
  const listed = new Set(ids);
  const duplicates = ids.length - listed.size;
  const created = registrations.filter((r) => r.status === 201);
  const missing = created.filter((r) => !listed.has(r.userId));
  const knownIds = new Set(registrations.filter((r) => r.userId).map((r) => r.userId));
  const unexplained = ids.filter((id) => !knownIds.has(id));
  const registrationStatuses = {};
  for (const r of registrations) registrationStatuses[r.status] = (registrationStatuses[r.status] ?? 0) + 1;
  const verifySummary = verifyRecorder.summary(0);

  const problems = [];
  if (missing.length)
    problems.push(
      `${missing.length} user(s) registered with 201 are missing from the users list: ${missing
        .slice(0, 5)
        .map((r) => `${r.userId} <${r.email}>`)
        .join(", ")}`,
    );
  if (duplicates) problems.push(`${duplicates} user id(s) listed twice across pages`);
  const app5xx = recorder.app5xx.length + verifyRecorder.app5xx.length;
  const other5xx = recorder.other5xx.length + verifyRecorder.other5xx.length;
  if (app5xx)
    problems.push(
      `${app5xx} app 5xx answer(s): ${[...recorder.app5xx, ...verifyRecorder.app5xx]
        .slice(0, 3)
        .map((s) => `${s.endpoint} ${s.status} ${s.body}`)
        .join(" | ")}`,
    );
  if (other5xx)
    problems.push(
      `${other5xx} 5xx answer(s) neither in the envelope nor a dev-proxy drop: ${[...recorder.other5xx, ...verifyRecorder.other5xx]
        .slice(0, 3)
        .map((s) => `${s.endpoint} ${s.status} ${s.body}`)
        .join(" | ")}`,
    );
  if (failures.count) problems.push(`${failures.count} failed expectation(s): ${JSON.stringify(failures.byStep)}`);
  if (created.length === 0) problems.push("no registration answered 201");
  const drops = proxyDrops(soak.overall, settings.maxProxyDropShare);
  if (drops.overLimit)
    problems.push(
      `wrangler's dev proxy dropped ${percent(drops.share)} of the requests (${drops.drops} of ${drops.requests}), over the ${percent(drops.limit)} limit (SOAK_MAX_PROXY_DROP_SHARE): the figures describe wrangler dev's queueing, not the app; run fewer SOAK_USERS or on a quieter machine`,
    );

  // Summary.
  console.log("");
  printTable(soak.rows, soak.overall);
  const o = soak.overall;
  console.log("");
  console.log(
    `duration        ${elapsedSeconds.toFixed(1)} s (deadline ${settings.seconds} s, then in-flight requests finished); ${settings.users} virtual users + 1 admin loop`,
  );
  console.log(
    `requests        ${o.requests} (${o.requestsPerSecond.toFixed(1)} req/s); latency p50 ${fixed(o.latencyMs.p50)} ms, p99 ${fixed(o.latencyMs.p99)} ms, max ${fixed(o.latencyMs.max)} ms (answers of the app; proxy drops apart)`,
  );
  console.log(
    `journeys        ${states.reduce((n, s) => n + s.completedJourneys, 0)} completed of ${states.reduce((n, s) => n + s.journeys, 0)} started; admin rounds ${adminRounds}`,
  );
  console.log(
    `proxy drops     ${drops.drops} of ${drops.requests} requests = ${percent(drops.share)} (limit ${percent(drops.limit)}, SOAK_MAX_PROXY_DROP_SHARE: ${drops.overLimit ? "OVER" : "ok"}); wrangler dev's own 503 "Your worker restarted mid-request", sent again, not app errors`,
  );
  console.log(`transport errs  ${o.transportErrors}`);
  console.log(`app 5xx         ${o.app5xx}${o.other5xx ? `; other 5xx ${o.other5xx}` : ""}`);
  console.log(
    `registrations   ${JSON.stringify(registrationStatuses)}; ${registrations.filter((r) => r.afterProxyDrop).length} landed although their answer was dropped`,
  );
  console.log(
    `users listed    ${ids.length} in ${pages} page(s) by cursor; 201s missing: ${missing.length}; listed twice: ${duplicates}; not seen registering: ${unexplained.length}`,
  );
  const open = tokenChecks.filter((t) => t.openAtDeadline).length;
  console.log(
    `last tokens     ${tokenChecks.filter((t) => t.ok).length}/${tokenChecks.length} virtual users as expected (${open} session(s) open at the deadline refreshed and logged out first; then refresh → 401 INVALID_TOKEN, /me → 401 INVALID_TOKEN)`,
  );
  console.log(`failures        ${failures.count}${failures.count ? ` ${JSON.stringify(failures.byStep)}` : ""}`);
  for (const f of failures.samples.slice(0, 10)) console.log(`  ${f.where}: ${f.step} → ${f.status ?? "-"} ${f.code ?? ""} ${f.message ?? ""}`);

  const report = {
    passed: problems.length === 0,
    problems,
    settings: { ...settings, stateDir: STATE_DIR, rateLimits: "defaults; one CF-Connecting-IP per journey" },
    machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
    projectId,
    durationSeconds: elapsedSeconds,
    overall: o,
    proxyDrops: drops,
    endpoints: soak.rows,
    journeys: {
      started: states.reduce((n, s) => n + s.journeys, 0),
      completed: states.reduce((n, s) => n + s.completedJourneys, 0),
      perUser: states.map((s) => ({ vu: s.vu, started: s.journeys, completed: s.completedJourneys })),
    },
    adminRounds,
    registrations: { statuses: registrationStatuses, created201: created.length, landedAfterProxyDrop: registrations.filter((r) => r.afterProxyDrop).length },
    users: { listed: ids.length, pages, missing: missing.map((r) => ({ userId: r.userId, email: r.email })), duplicates, notSeenRegistering: unexplained },
    lastTokens: tokenChecks,
    failures: { count: failures.count, byStep: failures.byStep, samples: failures.samples },
    app5xxSamples: [...recorder.app5xx, ...verifyRecorder.app5xx].slice(0, 20),
    other5xxSamples: [...recorder.other5xx, ...verifyRecorder.other5xx].slice(0, 20),
    transportErrorSamples: recorder.transportErrors.slice(0, 20),
    verificationRequests: verifySummary.overall,
  };
  mkdirSync(join(ROOT, ".artifacts"), { recursive: true });
  writeFileSync(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log("");
  if (problems.length) {
    for (const p of problems) console.error(`FAILED ${p}`);
    process.exitCode = 1;
  } else {
    console.log(`PASSED: every 201 registration is listed, no app 5xx, every expectation held, proxy drops within ${percent(settings.maxProxyDropShare)}.`);
  }
  console.log(`Results: ${relative(process.cwd(), OUTPUT) || OUTPUT}`);
}

async function cleanup() {
  await Promise.allSettled(
    [...running].map(async (s) => {
      running.delete(s);
      await s.stop();
    }),
  );
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`\n[soak] ${signal}: stopping wrangler dev`);
    cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (err) {
  console.error(`[soak] failed: ${err?.stack ?? err}`);
  for (const server of running) console.error(`[soak] last output of the server at ${server.url}:\n${server.output()}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
