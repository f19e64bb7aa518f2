// Spec-driven fuzzing: for every operation in openapi/openapi.json, hostile bodies, path and
// query params, credentials and headers. Every answer must be documented for the operation, in
// the envelope (checked against the spec as `call` does, see send.ts) and never a 5xx. Fixed
// seed; FUZZ_RUNS (`npm run fuzz`) raises the case count per operation.
import { env } from "cloudflare:test";
import { it } from "@fast-check/vitest";
import { beforeAll, describe, expect } from "vitest";
import spec from "../../openapi/openapi.json";
import { fuzzCases } from "./cases";
import { type SharedFixtures, contextFor, sharedFixtures } from "./context";
import { preview } from "./json";
import { type FuzzContext, buildRequest, describeRequest } from "./request";
import { send } from "./send";
import { operations } from "./spec";

/**
 * Operations in openapi/openapi.json, pinned: a spec that silently loses routes (or a reader that
 * skips some) must fail here, not fuzz less. Update this number when routes are added or removed.
 */
const EXPECTED_OPERATIONS = 49;
// Every method OpenAPI allows, so an operation under a method spec.ts does not read still counts.
const ALL_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Cases per operation: small enough for CI, raised by FUZZ_RUNS for a deeper run. */
const RUNS = Number(env.FUZZ_RUNS) || 40;
const SEED = 20_260_426;
// One fixed seed per operation, so adding an operation does not reshuffle the others' cases.
const seedFor = (key: string) => [...key].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16_777_619) >>> 0, SEED) | 0;

let shared: SharedFixtures;
beforeAll(async () => {
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
      let ctx: FuzzContext;
      beforeAll(async () => {
        ctx = await contextFor(op, shared);
      }, 60_000);

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
          const text = await response.text();
          // The one 5xx that is not our failure: a provider we had to call (OIDC discovery) did not answer.
          // The sandbox has no network, so configuring an external issuer always ends here; send() already
          // checked that the operation documents it.
          const upstream = status === 502 && JSON.parse(text).code === "UPSTREAM_ERROR";
          expect(upstream || status < 500, `${status} ${preview(text, 400)}\n  request: ${sent}`).toBe(true);
        },
        Math.max(60_000, RUNS * 1_000),
      );
    });
  }
});
