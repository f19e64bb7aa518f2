// Transport and framing headers on every response the Worker produces: successes, errors, the
// docs page (whose own CSP gains frame-ancestors rather than being replaced) and preflights.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/client";
import { createProject } from "../helpers/fixtures";

const HSTS = "max-age=63072000; includeSubDomains";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});

function expectGuarded(response: Response, what: string) {
  expect(response.headers.get("strict-transport-security"), what).toBe(HSTS);
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp.match(/frame-ancestors 'none'/g), `${what}: ${csp}`).toHaveLength(1);
}

describe("security headers", () => {
  it("sends HSTS and frame-ancestors 'none' on successes and on every kind of error", async () => {
    const cases: [string, () => Promise<Response>, number][] = [
      ["health", () => call("/health"), 200],
      ["openapi", () => SELF.fetch("http://auth.test/openapi.json"), 200],
      ["jwks", () => call(`/api/auth/${projectId}/.well-known/jwks.json`), 200],
      ["unknown route", () => call("/no/such/route"), 404],
      ["no bearer", () => call(`/api/auth/${projectId}/me`), 401],
      ["bad JSON", () => call(`/api/auth/${projectId}/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" }), 400],
      [
        "unknown project",
        () =>
          call(`/api/auth/no_such_project/login`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ email: "a@example.com", password: "x" }),
          }),
        404,
      ],
      [
        "too large",
        () =>
          SELF.fetch(`http://auth.test/api/auth/${projectId}/login`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: "x".repeat(128 * 1024),
          }),
        413,
      ],
      [
        "preflight",
        () =>
          SELF.fetch(`http://auth.test/api/auth/${projectId}/login`, {
            method: "OPTIONS",
            headers: { Origin: "https://evil.example.net", "Access-Control-Request-Method": "POST" },
          }),
        204,
      ],
    ];
    for (const [what, pending, status] of cases) {
      const response = await pending();
      expect(response.status, what).toBe(status);
      expectGuarded(response, what);
    }
  });

  it("keeps the docs page's own CSP and adds nothing twice", async () => {
    const response = await SELF.fetch("http://auth.test/docs");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<html");
    expectGuarded(response, "docs");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
  });
});
