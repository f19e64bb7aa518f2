/** Milliseconds since the epoch. One place to read time, so tests can fake it (vi.setSystemTime). */
export const now = (): number => Date.now();

/** ISO-8601 UTC, the format of every timestamp in the API and in SQL. */
export const iso = (ms: number = now()): string => new Date(ms).toISOString();
