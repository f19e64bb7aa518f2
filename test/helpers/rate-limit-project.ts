// Rate-limit tests: a fresh project per test (limits and counters of their own) and a fake Date, so
// windows and backoff blocks pass by moving the clock instead of waiting.
import { env } from "cloudflare:test";
import { afterEach, beforeEach, vi } from "vitest";
import type { RuleOverrides } from "../../src/lib/rate-limit";
import { createProject } from "./fixtures";

/** Registers the hooks; `id()` is the current test's project. */
export function freshProjectPerTest() {
  let projectId = "";
  let clock = 0;
  beforeEach(async () => {
    projectId = await createProject();
    clock = Date.now();
    vi.useFakeTimers({ now: clock, toFake: ["Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  return {
    id: () => projectId,
    /** Moves the fake clock forward. */
    advance(seconds: number) {
      clock += seconds * 1000;
      vi.setSystemTime(clock);
    },
    /** Sets the project's rate-limit overrides straight in D1. */
    setLimits: (overrides: RuleOverrides) =>
      env.DB.prepare(`UPDATE projects SET rate_limits = ? WHERE id = ?`).bind(JSON.stringify(overrides), projectId).run(),
  };
}
