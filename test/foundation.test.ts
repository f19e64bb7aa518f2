import { SELF, env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import spec from "../openapi/openapi.json";
import { api, call, json } from "./helpers/client";

describe("GET /health", () => {
  it("answers in the envelope with a request id", async () => {
    const { data, response } = await api.GET("/health");
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ success: true, data: { status: "ok", version: spec.info.version } });
    expect(response.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("echoes a well-formed incoming X-Request-Id and replaces a malformed one", async () => {
    const echoed = await call("/health", { headers: { "X-Request-Id": "trace-abc-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("trace-abc-123");
    const replaced = await call("/health", { headers: { "X-Request-Id": "bad id <script>" } });
    expect(replaced.headers.get("x-request-id")).not.toContain("<");
  });
});

describe("unknown routes", () => {
  it("answer 404 NOT_FOUND in the envelope", async () => {
    const res = await call("/nope/not-here");
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ success: false, code: "NOT_FOUND" });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("GET /openapi.json", () => {
  it("serves the committed contract, with this origin listed first among servers", async () => {
    const res = await SELF.fetch("http://auth.test/openapi.json");
    const served = await json(res);
    expect(served.openapi).toBe("3.1.0");
    expect(served.servers[0].url).toBe("http://auth.test");
    expect({ ...served, servers: spec.servers }).toEqual(spec);
    expect(served.components.securitySchemes).toMatchObject({
      bearerAuth: { type: "http", scheme: "bearer" },
      adminSession: { type: "apiKey", in: "header", name: "X-Admin-Session" },
    });
    expect(served.components.schemas.ErrorCode.enum).toContain("VALIDATION_ERROR");
  });
});

describe("GET /docs", () => {
  it("renders Scalar from this origin only", async () => {
    const res = await SELF.fetch("http://auth.test/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('src="/docs/scalar.js"');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    const script = await SELF.fetch("http://auth.test/docs/scalar.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});

describe("unexpected exceptions", () => {
  it("answer 500 INTERNAL_ERROR in the envelope, with the request id and no internals", async () => {
    const app = createApp();
    app.get("/boom", () => {
      throw new Error("secret internals: SELECT * FROM users at /src/db/users.repo.ts:42");
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await app.request("/boom", { headers: { "X-Request-Id": "req-boom-1" } }, env);
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBe("req-boom-1");
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ success: false, error: "Internal server error", code: "INTERNAL_ERROR" });
    expect(body).not.toMatch(/secret|SELECT|\.ts/);
    expect(String(logged.mock.calls[0]?.[0])).toContain("req-boom-1");
    logged.mockRestore();
  });
});
