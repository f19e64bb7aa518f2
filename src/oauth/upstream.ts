// Calls from the Worker to identity providers: bounded in time, failures classified.
import { UPSTREAM_TIMEOUT_MS } from "../config";
import { unavailable } from "./errors";

/** fetch with a timeout; a network failure or timeout becomes `temporarily_unavailable`. */
export async function upstreamFetch(what: string, url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
  } catch (err) {
    const name = (err as Error)?.name;
    throw unavailable(what, name === "TimeoutError" ? "timed out" : "unreachable");
  }
}

/** The JSON body of a response, or null when it is not JSON. */
export async function jsonOf(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const body = await response.json();
    return body && typeof body === "object" ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
