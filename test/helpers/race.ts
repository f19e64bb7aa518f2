// Proof that a race test raced. The tests and the Worker share one isolate, so the Worker's own
// entry point can be wrapped: `race` holds each request at the entry until all of them have
// arrived (a starting gun), then lets them run, and reports how many were inside at once.
// Requests that ran one after another would show 1 and fail the test's overlap assertion.
import worker from "../../src/index";

type Entry = { fetch: (...args: unknown[]) => Promise<Response> | Response };

/** How long the gate waits for stragglers before letting the requests go anyway (then maxInFlight tells). */
const GATE_TIMEOUT_MS = 5_000;

/**
 * Starts every task at once. Each task must make exactly one request to the Worker. Returns the
 * results and `maxInFlight`, the most requests inside the Worker at one moment: all of them when
 * the race really happened.
 */
export async function race<T>(tasks: Array<() => Promise<T>>): Promise<{ results: T[]; maxInFlight: number }> {
  const entry = worker as unknown as Entry;
  const original = entry.fetch;
  let inFlight = 0;
  let maxInFlight = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const timer = setTimeout(open, GATE_TIMEOUT_MS);
  entry.fetch = async function (this: unknown, ...args: unknown[]) {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    if (inFlight === tasks.length) open();
    try {
      await gate;
      return await original.apply(this, args);
    } finally {
      inFlight--;
    }
  };
  try {
    const results = await Promise.all(tasks.map((task) => task()));
    return { results, maxInFlight };
  } finally {
    clearTimeout(timer);
    entry.fetch = original;
  }
}

/** `count` copies of one task, raced. */
export const raceTimes = <T>(count: number, task: () => Promise<T>) => race(Array.from({ length: count }, () => task));
