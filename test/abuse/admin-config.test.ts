import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminClient, ownerToken } from "../helpers/admin";
import { apiClient } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { README_RULES } from "../helpers/documented-limits";
import { PASSWORD, uniqueId } from "../helpers/fixtures";
import { race } from "../helpers/race";

afterEach(() => {
  vi.useRealTimers();
});

async function newProject() {
  const owner = adminClient(await ownerToken());
  const { data } = await owner.POST("/api/admin/projects", { body: { name: uniqueId("Config"), environment: "development" } });
  return { owner, id: data!.data.id };
}

describe("rate limits configured through the Admin API", () => {
  it("shows the effective rules and applies a project's override at once", async () => {
    const { owner, id } = await newProject();
    const params = { path: { projectId: id } };
    const before = await owner.GET("/api/admin/projects/{projectId}", { params });
    expect(before.data!.data.rateLimits["register.ip"]).toEqual(README_RULES["register.ip"]);
    const patched = await owner.PATCH("/api/admin/projects/{projectId}", {
      params,
      body: { rateLimits: { "register.ip": { kind: "window", limit: 1, windowSeconds: 3600 } } },
    });
    expect(patched.data!.data.rateLimits["register.ip"]).toEqual({ kind: "window", limit: 1, windowSeconds: 3600 });
    expect(patched.data!.data.rateLimits["login.ip"]).toEqual(README_RULES["login.ip"]);
    const client = apiClient({ "CF-Connecting-IP": "192.0.2.77" });
    const register = () => client.POST("/api/auth/{projectId}/register", { params, body: { email: `${uniqueId("c")}@example.com`, password: PASSWORD } });
    expect((await register()).response.status).toBe(201);
    expect((await register()).response.status).toBe(429);
    const reset = await owner.PATCH("/api/admin/projects/{projectId}", { params, body: { rateLimits: {} } });
    expect(reset.data!.data.rateLimits["register.ip"]).toEqual(README_RULES["register.ip"]);
  });

  it("rejects unknown rule names and malformed rules with 400 naming the field", async () => {
    const { owner, id } = await newProject();
    const params = { path: { projectId: id } };
    const unknown = await owner.PATCH("/api/admin/projects/{projectId}", {
      params,
      body: { rateLimits: { "nope.rule": { kind: "window", limit: 1, windowSeconds: 1 } } } as never,
    });
    expect(unknown.response.status).toBe(400);
    expect(unknown.error!.error).toContain("rateLimits");
    const bad = await owner.PATCH("/api/admin/projects/{projectId}", {
      params,
      body: { rateLimits: { "login.ip": { kind: "window", limit: 0, windowSeconds: 60 } } },
    });
    expect(bad.response.status).toBe(400);
  });
});

describe("parallel admin updates of one project", () => {
  it("lose no field: each concurrent PATCH of a different field is kept", async () => {
    const { owner, id } = await newProject();
    const params = { path: { projectId: id } };
    const bodies = [
      { name: "Renamed" },
      { description: "new description" },
      { environment: "staging" as const },
      { corsOrigins: ["https://app.example.com"] },
      { redirectUrls: ["https://app.example.com/cb"] },
      { accessTokenTtl: 600 },
    ];
    const { results, maxInFlight } = await race(bodies.map((body) => () => owner.PATCH("/api/admin/projects/{projectId}", { params, body })));
    expect(maxInFlight).toBe(results.length);
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    const { data } = await owner.GET("/api/admin/projects/{projectId}", { params });
    expect(data!.data).toMatchObject(Object.assign({}, ...bodies));
  });

  it("last write wins when they change the same field", async () => {
    const { owner, id } = await newProject();
    const params = { path: { projectId: id } };
    const clock = fakeClock();
    const names = Array.from({ length: 8 }, (_, i) => `Name ${i}`);
    const { results, maxInFlight } = await race(names.map((name) => () => owner.PATCH("/api/admin/projects/{projectId}", { params, body: { name } })));
    expect(maxInFlight).toBe(results.length);
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    // D1 serializes the batches; each writes its audit row with the update, so the newest row names the write that committed last.
    const { results: audited } = await env.DB.prepare(`SELECT details FROM audit_log WHERE project_id = ? AND type = 'admin.project.update' ORDER BY rowid`)
      .bind(id)
      .all<{ details: string }>();
    expect(audited).toHaveLength(names.length);
    expect((await owner.GET("/api/admin/projects/{projectId}", { params })).data!.data.name).toBe(JSON.parse(audited.at(-1)!.details).name);
    for (const name of ["Later", "Latest"]) {
      const at = clock.tick();
      expect((await owner.PATCH("/api/admin/projects/{projectId}", { params, body: { name } })).data!.data.updatedAt).toBe(new Date(at).toISOString());
    }
    const { data } = await owner.GET("/api/admin/projects/{projectId}", { params });
    expect(data!.data).toMatchObject({ name: "Latest", updatedAt: new Date(clock.now).toISOString() });
  });
});
