import { vi } from "vitest";

/**
 * Fakes Date (src/lib/clock.ts reads it) from `start`; `tick()` moves it forward, so writes made
 * one after another never share a millisecond and "newest first" has one right answer.
 * Undo with vi.useRealTimers() in afterEach.
 */
export function fakeClock(start = Date.now()) {
  let now = start;
  vi.useFakeTimers({ now, toFake: ["Date"] });
  return {
    get now() {
      return now;
    },
    tick(ms = 1000): number {
      now += ms;
      vi.setSystemTime(now);
      return now;
    },
  };
}
