// The generated client as an app would use it, wired to the Worker under test; every
// response it receives is checked against the contract.
import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createClient } from "../../generated/client.js";
import worker from "../../src/index";
import { assertContract } from "./contract";

export const BASE_URL = "http://auth.test";

/** fetch against the Worker; every response is validated against openapi/openapi.json. */
export async function call(input: string | Request, init?: RequestInit): Promise<Response> {
  const request = typeof input === "string" ? new Request(new URL(input, BASE_URL), init) : input;
  const response = await SELF.fetch(request);
  await assertContract(request.method, request.url, response);
  return response;
}

export function apiClient(headers: Record<string, string> = {}) {
  return createClient({ baseUrl: BASE_URL, headers, fetch: (request: Request) => call(request) });
}

export const api = apiClient();

/**
 * A client that calls the Worker's fetch handler in the test's own context, so a test can await
 * the work a request left to waitUntil (`settled()`) instead of polling for its effects.
 * Responses are checked against the contract as `call` does.
 */
export function waitingClient(headers: Record<string, string> = {}) {
  const pending: ExecutionContext[] = [];
  const client = createClient({
    baseUrl: BASE_URL,
    headers,
    fetch: async (request: Request) => {
      const ctx = createExecutionContext();
      pending.push(ctx);
      const response = await worker.fetch(request, env, ctx);
      await assertContract(request.method, request.url, response);
      return response;
    },
  });
  return { client, settled: () => Promise.all(pending.splice(0).map((ctx) => waitOnExecutionContext(ctx))) };
}

/** The body of an envelope response, typed loosely for assertions. */
export async function json(response: Response): Promise<any> {
  return response.json();
}
