// Keyset pagination cursors: an opaque encoding of the (created_at, id) of the last row
// of a page. Stable under inserts, unlike OFFSET, and cheap on large tables.
import { base64url, fromBase64url, fromUtf8, utf8 } from "../crypto/encoding";
import { ApiError } from "../errors";

export interface Cursor {
  createdAt: string;
  id: string;
}

export const encodeCursor = (c: Cursor): string => base64url(utf8(JSON.stringify([c.createdAt, c.id])));

/** The cursor, or a 400 naming `query.cursor` when it was not made by encodeCursor. */
export function decodeCursor(text: string | undefined): Cursor | null {
  if (!text) return null;
  try {
    const value = JSON.parse(fromUtf8(fromBase64url(text)));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string" && !Number.isNaN(Date.parse(value[0]))) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through to the validation error
  }
  throw new ApiError("VALIDATION_ERROR", "query.cursor: not a cursor returned by this API", {
    details: [{ path: "query.cursor", message: "not a cursor returned by this API" }],
  });
}

/** Splits a `limit + 1` fetch into the page and the cursor of the next one. */
export function page<T extends { created_at: string; id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, nextCursor: encodeCursor({ createdAt: last.created_at, id: last.id }) };
}
