// The overlap probe of the race tests must tell parallel requests from sequential ones.
import { describe, expect, it } from "vitest";
import { api } from "../helpers/client";
import { race } from "../helpers/race";

// Resolving the project reads D1, so a request yields to others while it waits.
const lookup = () => api.GET("/api/auth/{projectId}/.well-known/jwks.json", { params: { path: { projectId: "race_probe_missing" } } });

describe("race()", () => {
  it("has parallel requests inside the Worker all at once", async () => {
    const { results, maxInFlight } = await race(Array.from({ length: 4 }, () => lookup));
    expect(results.map((r) => r.response.status)).toEqual([404, 404, 404, 404]);
    expect(maxInFlight).toBe(4);
  });

  it("reports 1 for the same requests sent one after another", async () => {
    let chain: Promise<unknown> = Promise.resolve();
    const sequential = Array.from({ length: 4 }, () => () => (chain = chain.then(lookup)));
    const { maxInFlight } = await race(sequential);
    expect(maxInFlight).toBe(1);
  });
});
