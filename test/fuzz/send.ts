// How fuzz requests reach the Worker: straight into its fetch handler, then through the same
// contract check as `call` (test/helpers/client.ts).
//
// Why not SELF.fetch: in @cloudflare/vitest-pool-workers 0.15.1 every SELF.fetch constructs the
// entrypoint wrapper, which wraps its shared prototype in one more Proxy (workers-sdk#15092,
// fixed by #15106 in later releases), so request N costs O(N): 400 requests to /health take
// ~11 s for the last 50, and a file stalls and then dies with "Maximum call stack size exceeded"
// after ~2,000. The fuzzer sends thousands, so it calls the same default export SELF serves, with
// the same bindings (D1, Durable Objects, vars); Content-Length is set as the HTTP layer would.
// Durable Object wrappers grow the same way, once per new instance: the rate limiter has one per
// (project, rule, subject), so cases draw emails and client IPs from small pools.
// Once the pool is upgraded, `send` can become `call`.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { assertContract } from "../helpers/contract";

export async function send(request: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  await assertContract(request.method, request.url, response);
  return response;
}
