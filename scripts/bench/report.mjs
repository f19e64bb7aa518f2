// The table and the JSON file. Ratios compare endpoints measured in the same run (shared, noisy
// machines make absolute numbers meaningless across runs); targets are shown, never enforced.
import { readFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "../lib/wrangler-dev.mjs";

/** More than this share of non-2xx answers or socket errors on any endpoint fails the run. */
export const MAX_BAD_FRACTION = 0.01;

/**
 * A baseline whose rate changes by more than this share between the start and the end of a run
 * makes the ratios taken against it suspect: the machine's load moved under the measurements.
 * 15%: the tightest target (login at 85% of the raw hash rate) leaves that much room, so a baseline
 * moving further alone can flip a verdict. BENCH_MAX_DRIFT overrides it (a share: 0.15).
 */
export const MAX_DRIFT = 0.15;

/**
 * Past this share of the soak's requests dropped by wrangler's dev proxy (isDevProxyDrop) the run fails:
 * a drop is a request that queued ~5 s and is sent again, so at 1 in 20 a 10-request journey meets one
 * every other time and the proxy, not the worker, sets the soak's pace and latencies; below it, drops
 * are the occasional queueing spikes the dev proxy is known for. SOAK_MAX_PROXY_DROP_SHARE overrides it.
 */
export const MAX_PROXY_DROP_SHARE = 0.05;

/** Table rows in order: key, label, and which measurement its ratio divides by. */
export const ROWS = [
  { key: "health", label: "GET /health", base: null, note: "baseline" },
  { key: "floor", label: "GET /api/admin/me (one D1 read: the floor)", base: "health", note: "floor" },
  { key: "me", label: "GET /api/auth/{p}/me", base: "health", target: 0.6 },
  { key: "refresh", label: "POST /api/auth/{p}/refresh", base: "health", target: 0.4 },
  { key: "jwks", label: "GET /api/auth/{p}/.well-known/jwks.json", base: "health", target: 0.7 },
  { key: "openidConfiguration", label: "GET /api/auth/{p}/.well-known/openid-configuration", base: "health", target: 0.7 },
  { key: "hashBefore", label: "raw verifyPassword (workerd), before", base: null, note: "before the endpoints (drift check)" },
  { key: "hash", label: "raw verifyPassword (workerd), after", base: "hashBefore", note: "baseline for login/register" },
  { key: "login", label: "POST /api/auth/{p}/login", base: "hash", target: 0.85 },
  { key: "register", label: "POST /api/auth/{p}/register", base: "hash" },
  { key: "adminProjects", label: "GET /api/admin/projects", base: "health" },
  { key: "adminUsers", label: "GET /api/admin/projects/{p}/users?limit=50", base: "health" },
  { key: "adminLogs", label: "GET /api/admin/logs?limit=50", base: "health" },
  { key: "healthEnd", label: "GET /health (again, at the end)", base: "health", note: "drift check" },
];

const version = (pkg) => JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;

export function machineInfo() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
    platform: `${platform()} ${release()}`,
    node: process.version,
    wrangler: version("wrangler"),
    autocannon: version("autocannon"),
    date: new Date().toISOString(),
  };
}

/** Adds ratio/target fields to each measured row. */
export function withRatios(results) {
  return ROWS.filter((row) => results[row.key]).map((row) => {
    const r = results[row.key];
    const base = row.base ? (r.baseline ?? results[row.base]) : null;
    const ratio = base && base.requestsPerSecond > 0 ? r.requestsPerSecond / base.requestsPerSecond : null;
    // Against the floor as well, each through its own /health: rates are compared as shares of the baseline they met.
    const floor = results.floor;
    const floorShare = floor?.baseline?.requestsPerSecond > 0 ? floor.requestsPerSecond / floor.baseline.requestsPerSecond : null;
    const ofFloor = row.base === "health" && !row.note && ratio !== null && floorShare ? ratio / floorShare : null;
    return {
      key: row.key,
      endpoint: row.label,
      ...r,
      ratio,
      ratioOf: row.base,
      ofFloor,
      baseRequestsPerSecond: base?.requestsPerSecond ?? null,
      target: row.target ?? null,
      meetsTarget: row.target && ratio !== null ? ratio >= row.target : null,
      note: row.note ?? null,
    };
  });
}

const fixed = (n, digits) => (n === null || n === undefined ? "-" : n.toFixed(digits));

export function printTable(rows, log = console.log) {
  const header = ["endpoint", "req/s", "p50 ms", "p99 ms", "ratio", "of floor", "target (info only)", "requests", "non2xx", "errors"];
  const lines = rows.map((r) => [
    r.endpoint,
    fixed(r.requestsPerSecond, r.requestsPerSecond < 10 ? 2 : 0),
    fixed(r.latencyMs.p50, 0),
    fixed(r.latencyMs.p99, 0),
    r.ratio === null
      ? (r.note ?? "-")
      : `${(r.ratio * 100).toFixed(0)}% of ${r.ratioOf} (${fixed(r.baseRequestsPerSecond, r.baseRequestsPerSecond < 10 ? 2 : 0)}/s)`,
    r.ofFloor === null || r.ofFloor === undefined ? "" : `${(r.ofFloor * 100).toFixed(0)}%`,
    r.target === null ? "" : `>= ${(r.target * 100).toFixed(0)}%: ${r.meetsTarget ? "met" : "below"}`,
    String(r.requests),
    r.devProxy503 ? `${r.non2xx} (${r.devProxy503} dev-proxy)` : String(r.non2xx),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 || i === 4 || i === 6 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  log(fmt(header));
  log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) log(fmt(l));
}

/** Endpoints whose share of failed requests exceeds MAX_BAD_FRACTION. */
export const brokenRows = (rows) =>
  rows.filter((r) => r.badFraction > MAX_BAD_FRACTION || r.requests === 0 || (r.baseline && r.baseline.badFraction > MAX_BAD_FRACTION));

/**
 * The change of each baseline between its first and last measurement of the run (the raw hash rate
 * before and after all endpoints; /health before and after the GET endpoints): after/before and
 * whether it exceeds `maxDrift`, naming the rows whose ratios divide by that baseline.
 */
export function drift(results, maxDrift = MAX_DRIFT) {
  const pair = (label, before, after, suspectRows) => {
    if (!before || !after || before.requestsPerSecond <= 0) return null;
    const ratio = after.requestsPerSecond / before.requestsPerSecond;
    return {
      label,
      beforeRequestsPerSecond: before.requestsPerSecond,
      afterRequestsPerSecond: after.requestsPerSecond,
      ratio,
      suspect: Math.abs(ratio - 1) > maxDrift,
      suspectRows,
    };
  };
  const of = (base) => ROWS.filter((row) => row.base === base && row.key !== "hash" && row.key !== "healthEnd").map((row) => row.key);
  const hash = pair("raw hash rate", results.hashBefore, results.hash, of("hash"));
  const health = pair("GET /health", results.health, results.healthEnd, of("health"));
  return { maxDrift, hash, health, suspect: Boolean(hash?.suspect || health?.suspect) };
}

const rate = (n) => fixed(n, n < 100 ? 1 : 0);

export function printDrift(d, log = console.log) {
  for (const p of [d.hash, d.health]) {
    if (!p) continue;
    const change = `${p.ratio >= 1 ? "+" : ""}${((p.ratio - 1) * 100).toFixed(1)}%`;
    log(
      `drift  ${p.label.padEnd(13)} ${rate(p.beforeRequestsPerSecond)}/s before, ${rate(p.afterRequestsPerSecond)}/s after: ×${p.ratio.toFixed(3)} (${change}; limit ±${(d.maxDrift * 100).toFixed(0)}%)${p.suspect ? " SUSPECT" : ""}`,
    );
  }
  for (const p of [d.hash, d.health]) {
    if (p?.suspect)
      log(
        `WARNING: ${p.label} drifted past ±${(d.maxDrift * 100).toFixed(0)}% during the run: the load on this machine changed, so the ratios of ${p.suspectRows.join(", ")} are suspect. Run again on a quieter machine.`,
      );
  }
}

/** The soak's dev-proxy drops (isDevProxyDrop) as a share of all its requests, and whether it passes `limit`. */
export function proxyDrops({ proxyDrops: drops, requests }, limit = MAX_PROXY_DROP_SHARE) {
  const share = requests > 0 ? drops / requests : 0;
  return { drops, requests, share, limit, overLimit: share > limit };
}
