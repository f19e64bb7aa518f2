// The verdicts npm run bench and npm run soak print, on fixed figures (no measurement, no clock).
import { describe, expect, it } from "vitest";
import { MAX_DRIFT, MAX_PROXY_DROP_SHARE, drift, proxyDrops } from "../../scripts/bench/report.mjs";

const rate = (requestsPerSecond: number) => ({ requestsPerSecond });

describe("bench drift", () => {
  it("flags the ratios of login and register as suspect when the raw hash rate moves past MAX_DRIFT", () => {
    const d = drift({ hashBefore: rate(10), hash: rate(10 * (1 - MAX_DRIFT) - 0.1), health: rate(1000), healthEnd: rate(1000) });
    expect(d.hash).toMatchObject({ beforeRequestsPerSecond: 10, suspect: true, suspectRows: ["login", "register"] });
    expect(d.health).toMatchObject({ ratio: 1, suspect: false });
    expect(d.suspect).toBe(true);
  });

  it("accepts a drift within MAX_DRIFT either way", () => {
    const d = drift({ hashBefore: rate(10), hash: rate(11), health: rate(1000), healthEnd: rate(900) });
    expect([d.hash?.suspect, d.health?.suspect, d.suspect]).toEqual([false, false, false]);
  });
});

describe("soak dev-proxy drops", () => {
  it("fails a soak whose share of dev-proxy drops passes the limit, and reports the share", () => {
    expect(proxyDrops({ proxyDrops: 6, requests: 100 }, MAX_PROXY_DROP_SHARE)).toEqual({ drops: 6, requests: 100, share: 0.06, limit: 0.05, overLimit: true });
    expect(proxyDrops({ proxyDrops: 5, requests: 100 }, MAX_PROXY_DROP_SHARE).overLimit).toBe(false);
    expect(proxyDrops({ proxyDrops: 0, requests: 0 }, 0).overLimit).toBe(false);
  });
});
