// The typed openapi-fetch client for every route of the spec, for apps that want the raw calls.
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { paths } from "./types";

export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** Where the service runs, e.g. https://auth.example.com */
  baseUrl: string;
  /** A fetch to use instead of the global one (tests, service bindings). */
  fetch?: ClientOptions["fetch"];
  headers?: ClientOptions["headers"];
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  return createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ""), fetch: options.fetch, headers: options.headers });
}
