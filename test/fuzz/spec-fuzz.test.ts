// Spec-driven fuzzing: for every operation in openapi/openapi.json, hostile bodies, path and
// query params, credentials and headers. Every answer must be documented for the operation, in
// the envelope (checked against the spec as `call` does, see send.ts) and never a 5xx. Both sides
// are checked per operation: a valid request gets a documented success (valid.ts), and malformed
// input sent behind live credentials gets a validation 4xx, so stale fixtures (every case a 401)
// fail instead of passing. Fixed seed in CI; `npm run fuzz` (test/fuzz/run.mjs) passes a random
// FUZZ_SEED and more FUZZ_RUNS.
import { env } from "cloudflare:test";
import { it } from "@fast-check/vitest";
import { beforeAll, describe, expect } from "vitest";
import spec from "../../openapi/openapi.json";
import { installFetchStub } from "../oauth/stub-provider";
import { type FuzzCase, fuzzCases } from "./cases";
import { type OperationFixtures, type SharedFixtures, contextFor, sharedFixtures } from "./context";
import { preview } from "./json";
import { buildRequest, describeRequest } from "./request";
import { send } from "./send";
import { type FuzzOperation, operations } from "./spec";
import { plannedOperations, validRequest } from "./valid";

/**
 * Operations in openapi/openapi.json, pinned: a spec that silently loses routes (or a reader that
 * skips some) must fail here, not fuzz less. Update this number when routes are added or removed.
 */
const EXPECTED_OPERATIONS = 110;
// Every method OpenAPI allows, so an operation under a method spec.ts does not read still counts.
const ALL_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Cases per operation: small enough for CI, raised by FUZZ_RUNS for a deeper run. */
const RUNS = Number(env.FUZZ_RUNS) || 40;
// FUZZ_SEED is a binding of vitest.config.ts, like FUZZ_RUNS; empty means the fixed seed below.
const FUZZ_SEED = env.FUZZ_SEED;
const SEED = FUZZ_SEED ? Number(FUZZ_SEED) : 20_260_426;
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(FUZZ_SEED)}`);
// One fixed seed per operation, so adding an operation does not reshuffle the others' cases.
const seedFor = (key: string) => [...key].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16_777_619) >>> 0, SEED) | 0;

/**
 * Statuses that prove malformed input got past authentication to validation, by what was broken:
 * the route's validators (400, 415) and handler lookups (404) run after its auth middleware. Not
 * 413 (the body cap runs ahead of everything), nor a 404 for a bad projectId (the Auth API resolves
 * the project before the bearer token) or for a path that no longer routes to the operation (`a/b`,
 * `..`), so a run with stale credentials cannot pass on those.
 */
const VALIDATION_STATUSES = { body: [400, 415], query: [400], "path param": [400, 404] } as const;
type Broken = keyof typeof VALIDATION_STATUSES;

/** Whether a URL path still routes to `op` (each param one non-empty segment). */
const routesTo = (op: FuzzOperation, path: string) =>
  new RegExp(`^${op.template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path);

/** What a case broke while keeping credentials and every other part valid. */
function brokenParts(op: FuzzOperation, c: FuzzCase, request: Request): Broken[] {
  if (c.mode === "one bad path param") {
    const badParam = Object.entries(c.path).some(([name, v]) => name !== "projectId" && !("valid" in v));
    return badParam && routesTo(op, new URL(request.url).pathname) ? ["path param"] : [];
  }
  if (c.mode !== "behind valid credentials") return [];
  const validBody = c.body.payload?.label === "valid example" && c.body.contentType === "application/json" && !c.body.chunked;
  return [...(op.body && !validBody ? (["body"] as const) : []), ...(c.queryBroken ? (["query"] as const) : [])];
}

/** Per operation, per broken part: the statuses its fuzz cases got. */
const seen = new Map<string, Map<Broken, number[]>>();

let shared: SharedFixtures;
beforeAll(async () => {
  // Outbound fetches (OIDC discovery, token, JWKS) go to scripted providers, never the network.
  installFetchStub();
  shared = await sharedFixtures();
});

describe("spec-driven fuzzing of openapi/openapi.json", () => {
  it(`fuzzes every operation of the spec: all ${EXPECTED_OPERATIONS} of them`, () => {
    const inSpec = Object.values(spec.paths as Record<string, Record<string, unknown>>).flatMap((item) => ALL_METHODS.filter((m) => item[m])).length;
    expect(inSpec, "operations in openapi/openapi.json: a route was added or removed, update EXPECTED_OPERATIONS").toBe(EXPECTED_OPERATIONS);
    expect(operations, "operations test/fuzz/spec.ts found to fuzz").toHaveLength(EXPECTED_OPERATIONS);
  });

  for (const op of operations) {
    describe(op.key, () => {
      let ctx: OperationFixtures;
      beforeAll(async () => {
        ctx = await contextFor(op, shared);
      }, 60_000);

      // Before the fuzz cases, which may spend what it needs (a valid case deletes, logs out, ...).
      it(`answers a valid request with a documented success (${op.successStatuses.join(", ")})`, async () => {
        const valid = await validRequest(op, ctx, shared);
        const request = await buildRequest(op, valid.fuzzCase, valid.ctx);
        const sent = describeRequest(request, valid.fuzzCase);
        const response = await send(request);
        const location = response.headers.get("location");
        const text = await response.text();
        expect(op.successStatuses, `${response.status} ${preview(text, 400)}\n  request: ${sent}`).toContain(response.status);
        // A redirect is a success only when it carries no error for the app (the OAuth callback's failures are 302s too).
        expect(location === null || !new URL(location).searchParams.has("error"), `redirected to ${location}\n  request: ${sent}`).toBe(true);
      });

      it.prop([fuzzCases(op)], { seed: seedFor(op.key), numRuns: RUNS })(
        "answers every fuzzed request with a documented status in the envelope, never a 5xx",
        async (fuzzCase) => {
          const request = await buildRequest(op, fuzzCase, ctx);
          const sent = describeRequest(request, fuzzCase);
          let response: Response;
          try {
            response = await send(request);
          } catch (err) {
            throw new Error(`${preview((err as Error).message, 1_200)}\n  request: ${sent}`);
          }
          const status = response.status;
          const byPart = seen.get(op.key) ?? seen.set(op.key, new Map()).get(op.key)!;
          for (const part of brokenParts(op, fuzzCase, request)) byPart.set(part, [...(byPart.get(part) ?? []), status]);
          const text = await response.text();
          // The one 5xx that is not our failure: a provider we had to call (OIDC discovery) did not answer.
          // Outbound fetches reach only the stub providers, so configuring any other issuer ends here;
          // send() already checked that the operation documents it.
          const upstream = status === 502 && JSON.parse(text).code === "UPSTREAM_ERROR";
          expect(upstream || status < 500, `${status} ${preview(text, 400)}\n  request: ${sent}`).toBe(true);
        },
        Math.max(60_000, RUNS * 1_000),
      );

      it("reaches validation behind live credentials: malformed input gets a validation 4xx, not only 401s", () => {
        const parts: Broken[] = [
          ...(op.body ? ["body" as const] : []),
          ...(op.queryParams.length ? ["query" as const] : []),
          ...(op.pathParams.some((p) => p.name !== "projectId") ? ["path param" as const] : []),
        ];
        for (const part of parts) {
          const statuses = seen.get(op.key)?.get(part) ?? [];
          const counts = [...new Set(statuses)].map((s) => `${s}×${statuses.filter((x) => x === s).length}`).join(", ");
          expect(statuses.length, `no case broke the ${part} behind valid credentials`).toBeGreaterThan(0);
          expect(
            statuses.some((s) => (VALIDATION_STATUSES[part] as readonly number[]).includes(s)),
            `cases with a malformed ${part} behind valid credentials got ${counts}, none of ${VALIDATION_STATUSES[part].join("/")}: are the fixture's credentials or ids still live?`,
          ).toBe(true);
        }
      });
    });
  }

  it("plans valid requests only for operations of the spec", () => {
    expect(plannedOperations.filter((id) => !operations.some((op) => op.operationId === id))).toEqual([]);
  });
});
