// Small SQL helpers shared by the repos.

/** Whether a D1 error is SQLite refusing a duplicate of a UNIQUE key. */
export const isUniqueViolation = (err: unknown) => String((err as Error)?.message ?? err).includes("UNIQUE constraint failed");

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally (use with ESCAPE '\'). */
export const containsPattern = (text: string) => `%${escapeLike(text)}%`;
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

declare const built: unique symbol;

/**
 * A condition a write can be made to depend on: it applies only if `sql` (a SELECT) finds a row.
 * Repos build guards with `guard()` and repos consume them; handlers only pass them along.
 */
export interface Guard {
  readonly sql: string;
  readonly bindings: readonly unknown[];
  readonly [built]: true;
}

export const guard = (sql: string, ...bindings: unknown[]): Guard => ({ sql, bindings }) as unknown as Guard;

/** ` AND EXISTS (…)` for a guarded statement, or nothing when there is no guard; bind `g.bindings` last. */
export const andExists = (g: Guard | undefined) => (g ? ` AND EXISTS (${g.sql})` : "");

/** A JSON list column, parsed here and nowhere else; anything but a list of strings reads as empty. */
export function stringList(json: string): string[] {
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}
