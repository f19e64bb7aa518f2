// Small SQL helpers shared by the repos.

/** Whether a D1 error is SQLite refusing a duplicate of a UNIQUE key. */
export const isUniqueViolation = (err: unknown) => String((err as Error)?.message ?? err).includes("UNIQUE constraint failed");

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally (use with ESCAPE '\'). */
export const containsPattern = (text: string) => `%${escapeLike(text)}%`;
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");
