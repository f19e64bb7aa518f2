// The generated client as an app would use it, wired to the Worker under test; every
// response it receives is checked against the contract.
import { SELF } from "cloudflare:test";
import { createClient } from "../../generated/client.js";
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

/** The body of an envelope response, typed loosely for assertions. */
export async function json(response: Response): Promise<any> {
  return response.json();
}
