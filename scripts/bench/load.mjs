// One measurement = a warm-up, then autocannon for a fixed time, then waiting until the server is idle
// again (requests autocannon abandons at the end keep the server busy, and would slow the next one).
import autocannon from "autocannon";
import { isDevProxyDrop } from "./api.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const active = new Set();

/** Stops every autocannon run in progress (Ctrl-C). */
export function stopAllLoad() {
  for (const instance of active) instance.stop();
}

/**
 * Starts autocannon; `control.stop()` ends it early. With `amount`, it ends after that many
 * responses or after `duration` seconds, whichever comes first.
 */
export function startLoad({ url, connections, duration, amount, request }) {
  let instance;
  const done = new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections,
        ...(amount ? { amount } : { duration }),
        timeout: 120, // seconds: hash-bound endpoints queue several seconds of scrypt per connection
        excludeErrorStats: true, // latency of 2xx answers only
        requests: [request],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  active.add(instance);
  const timer = amount && duration ? setTimeout(() => instance.stop(), duration * 1000) : null;
  return {
    stop: () => instance.stop(),
    done: done.finally(() => {
      active.delete(instance);
      if (timer) clearTimeout(timer);
    }),
  };
}

/** Waits until two GETs of `probeUrl` in a row answer within 100 ms: nothing queued on the server any more. */
export async function waitIdle(probeUrl, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let quick = 0;
  while (Date.now() < deadline && quick < 2) {
    const start = performance.now();
    try {
      await (await fetch(probeUrl, { signal: AbortSignal.timeout(30_000) })).arrayBuffer();
      quick = performance.now() - start < 100 ? quick + 1 : 0;
    } catch {
      quick = 0;
    }
    if (quick < 2) await sleep(50);
  }
}

/** The figures the report needs from an autocannon result; req/s counts 2xx answers only. */
export function summarize(result, extra = {}) {
  const bad = result.non2xx + result.errors;
  return {
    requests: result["2xx"] + result.non2xx,
    durationSeconds: result.duration,
    requestsPerSecond: result.duration > 0 ? result["2xx"] / result.duration : 0,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    ok2xx: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    badFraction: result["2xx"] + bad > 0 ? bad / (result["2xx"] + bad) : 1,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    ...extra,
  };
}

/**
 * Builds an autocannon request that keeps the first few non-2xx bodies (for the report), counts
 * wrangler's dev-proxy drops, and calls `onResponse` / `setupRequest` of the spec.
 */
export function instrument(spec, samples, counts = { devProxy503: 0 }) {
  return {
    method: spec.method ?? "GET",
    path: spec.path,
    headers: spec.headers ?? {},
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.setupRequest ? { setupRequest: spec.setupRequest } : {}),
    onResponse: (status, body, context) => {
      if (isDevProxyDrop(status, body)) counts.devProxy503++;
      else if ((status < 200 || status > 299) && samples.length < 3) samples.push(`${status} ${String(body).slice(0, 300)}`);
      spec.onResponse?.(status, body, context);
    },
  };
}

/**
 * Warm-up (a few seconds, or one request per connection for slow endpoints so nothing is left
 * queued), then the measurement, then waits for the server to be idle.
 */
export async function measure(spec, { baseUrl, probeUrl, connections, duration, warmup }) {
  const url = baseUrl;
  const warmSamples = [];
  const warm = spec.warmupAmount ? { amount: spec.warmupAmount() } : spec.slow ? { amount: connections } : { duration: warmup };
  if (warmup > 0) await startLoad({ url, connections, ...warm, request: instrument(spec, warmSamples) }).done;
  await waitIdle(probeUrl);
  spec.beforeMeasure?.();
  const samples = [];
  const counts = { devProxy503: 0 };
  const run = startLoad({ url, connections, duration, amount: spec.amount?.(), request: instrument(spec, samples, counts) });
  spec.onStart?.(run);
  const result = await run.done;
  await waitIdle(probeUrl);
  return summarize(result, { connections, ...counts, errorSamples: samples, warmupErrorSamples: warmSamples, ...(spec.extra?.() ?? {}) });
}
