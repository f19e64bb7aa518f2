import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createClient } from "../../generated/client.js";
import worker from "../../src/index";
import { BASE_URL } from "./client";
import { assertContract } from "./contract";

/**
 * The generated client against the Worker run with some bindings changed (a secret rotation's
 * KEY_ENCRYPTION_SECRET / _PREVIOUS, PASSWORD_PEPPER / _PREVIOUS), as a redeploy with new secrets would.
 */
export function clientWithEnv(overrides: Partial<Cloudflare.Env>, headers: Record<string, string> = {}) {
  const bindings = { ...env, ...overrides } as Cloudflare.Env;
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete (bindings as unknown as Record<string, unknown>)[name];
  return createClient({
    baseUrl: BASE_URL,
    headers,
    fetch: async (request: Request) => {
      const ctx = createExecutionContext();
      const response = await worker.fetch(request, bindings, ctx);
      await waitOnExecutionContext(ctx);
      await assertContract(request.method, request.url, response);
      return response;
    },
  });
}
