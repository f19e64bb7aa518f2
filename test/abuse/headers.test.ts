import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/client";
import { createProject, registerUser } from "../helpers/fixtures";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
  await env.DB.prepare(`UPDATE projects SET cors_origins = ? WHERE id = ?`)
    .bind(JSON.stringify(["https://app.example.com"]), projectId)
    .run();
});

const preflight = (path: string, origin: string) =>
  SELF.fetch(`http://auth.test${path}`, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
  });

describe("CORS per project", () => {
  it("answers a preflight from a listed origin with the CORS headers", async () => {
    const res = await preflight(`/api/auth/${projectId}/login`, "https://app.example.com");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("gives an unlisted origin no CORS headers at all", async () => {
    const res = await preflight(`/api/auth/${projectId}/login`, "https://evil.example.net");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-methods")).toBeNull();
    const actual = await call(`/api/auth/${projectId}/.well-known/jwks.json`, { headers: { Origin: "https://evil.example.net" } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds the headers to real responses for a listed origin, errors included", async () => {
    const user = await registerUser(projectId);
    const ok = await call(`/api/auth/${projectId}/me`, { headers: { Origin: "https://app.example.com", Authorization: `Bearer ${user.accessToken}` } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(ok.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    const denied = await call(`/api/auth/${projectId}/me`, { headers: { Origin: "https://app.example.com" } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });

  it("does not open the Admin API to other origins", async () => {
    const res = await preflight("/api/admin/login", "https://app.example.com");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ success: false, code: "NOT_FOUND" });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("security headers", () => {
  it("mark every API response nosniff, no-referrer and, when it carries tokens or user data, no-store", async () => {
    const user = await registerUser(projectId);
    for (const [status, res] of [
      [200, await call(`/api/auth/${projectId}/me`, { headers: { Authorization: `Bearer ${user.accessToken}` } })],
      [
        200,
        await call(`/api/auth/${projectId}/refresh`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refreshToken: user.refreshToken }),
        }),
      ],
      [404, await call("/nowhere")],
    ] as const) {
      expect(res.status, res.url).toBe(status);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });
});
