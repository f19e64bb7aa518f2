import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "../../src/config";
import { apiClient } from "../helpers/client";
import { uniqueId } from "../helpers/fixtures";
import { freshProjectPerTest } from "../helpers/rate-limit-project";

const project = freshProjectPerTest();
const { advance, setLimits } = project;
let projectId: string;
beforeEach(() => {
  projectId = project.id();
});
const rowsFrom = async (ip: string) =>
  Number(await env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE project_id = ? AND ip = ?`).bind(projectId, ip).first("n"));
const path = () => ({ params: { path: { projectId } } });

describe("audit rows under floods", () => {
  it("writes one ratelimit.block row per block, however many requests it refuses", async () => {
    await setLimits({ "login.ip": { kind: "window", limit: 2, windowSeconds: 600 } });
    const client = apiClient({ "CF-Connecting-IP": "198.51.100.40" });
    const attempt = () =>
      client.POST("/api/auth/{projectId}/login", { ...path(), body: { email: `${uniqueId("f")}@example.com`, password: "wrong-password-1" } });
    for (let i = 0; i < 2; i++) expect((await attempt()).response.status).toBe(401);
    for (let i = 0; i < 30; i++) expect((await attempt()).response.status).toBe(429);
    const blocks = () =>
      env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE type = 'ratelimit.block' AND project_id = ? AND ip = ?`)
        .bind(projectId, "198.51.100.40")
        .first("n");
    expect(await blocks()).toBe(1);
    advance(601);
    for (let i = 0; i < 2; i++) expect((await attempt()).response.status).toBe(401);
    for (let i = 0; i < 10; i++) expect((await attempt()).response.status).toBe(429);
    expect(await blocks()).toBe(2);
  });

  it("limits refreshes with unknown tokens per IP (probe.ip) and bounds their audit rows", async () => {
    const { limit } = DEFAULT_RULES["probe.ip"];
    const client = apiClient({ "CF-Connecting-IP": "198.51.100.41" });
    const statuses: number[] = [];
    for (let i = 0; i < limit + 20; i++)
      statuses.push((await client.POST("/api/auth/{projectId}/refresh", { ...path(), body: { refreshToken: `rt_${uniqueId("x")}` } })).response.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(limit);
    expect(statuses.slice(limit).every((s) => s === 429)).toBe(true);
    expect(await rowsFrom("198.51.100.41")).toBeLessThanOrEqual(limit + 1);
  });

  it("limits email links and sign-in codes with unknown tokens per IP the same way", async () => {
    await setLimits({ "probe.ip": { kind: "window", limit: 3, windowSeconds: 600 } });
    const client = apiClient({ "CF-Connecting-IP": "198.51.100.42" });
    const confirm = () => client.POST("/api/auth/{projectId}/verify-email/confirm", { ...path(), body: { token: `verify_${uniqueId("x")}` } });
    const reset = () =>
      client.POST("/api/auth/{projectId}/password/reset", { ...path(), body: { token: `reset_${uniqueId("x")}`, password: "a brand new passphrase" } });
    const exchange = () => client.POST("/api/auth/{projectId}/oauth/token", { ...path(), body: { code: `oc_${uniqueId("x")}`, codeVerifier: "v".repeat(43) } });
    expect((await confirm()).response.status).toBe(401);
    expect((await reset()).response.status).toBe(401);
    expect((await exchange()).response.status).toBe(400);
    for (let i = 0; i < 5; i++) {
      for (const send of [confirm, reset, exchange]) expect((await send()).response.status).toBe(429);
    }
    expect(await rowsFrom("198.51.100.42")).toBeLessThanOrEqual(4);
  });
});
