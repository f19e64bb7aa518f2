import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../src/middleware/body-limit";
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

export { MAX_BODY_BYTES };
