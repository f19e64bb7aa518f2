// Every kit call answers `{ data, error }` (like openapi-fetch and supabase-js) and never throws for
// an API error: `error` keeps the HTTP status and the typed `code` of our envelope.
import type { ErrorCode } from "./types";

export interface ClientError {
  /** HTTP status; 0 when the request never got an answer (network failure). */
  status: number;
  /** The envelope's machine-readable code; `NETWORK_ERROR` when there was no answer; `WEBAUTHN_ERROR` when the passkey authenticator failed or is missing. */
  code: ErrorCode | "NETWORK_ERROR" | "WEBAUTHN_ERROR";
  message: string;
  /** The `X-Request-Id` of the answer, to quote in a bug report. */
  requestId: string | null;
}

export type Result<T> = { data: T; error: null } | { data: null; error: ClientError };

export const ok = <T>(data: T): Result<T> => ({ data, error: null });
export const fail = <T = never>(error: ClientError): Result<T> => ({ data: null, error });

/** The kit's result of an openapi-fetch call: the envelope's `data` on success, its error otherwise. */
export function fromFetch<T>(r: { data?: { data: T }; error?: { error: string; code: ErrorCode }; response: Response }): Result<T> {
  const requestId = r.response.headers.get("X-Request-Id");
  if (r.data !== undefined) return ok(r.data.data);
  const body = r.error;
  return fail({ status: r.response.status, code: body?.code ?? "INTERNAL_ERROR", message: body?.error ?? `HTTP ${r.response.status}`, requestId });
}

/** A failed fetch (no answer at all) as a result. */
export const networkError = <T = never>(err: unknown): Result<T> =>
  fail({ status: 0, code: "NETWORK_ERROR", message: err instanceof Error ? err.message : String(err), requestId: null });
