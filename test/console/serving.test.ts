import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("GET /console", () => {
  it("serves the single-page app from this origin under a strict CSP", async () => {
    const moved = await SELF.fetch("http://auth.test/console", { redirect: "manual" });
    expect(moved.status).toBe(308);
    expect(moved.headers.get("location")).toBe("/console/");

    const res = await SELF.fetch("http://auth.test/console/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    const html = await res.text();
    expect(html).toContain('src="/console/app.js"');
    // No inline script (the CSP would block it) and nothing from another origin.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//i);
  });

  it("serves the bundle and stylesheet, and nothing else under /console", async () => {
    const js = await SELF.fetch("http://auth.test/console/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect((await js.text()).length).toBeGreaterThan(1_000);
    const css = await SELF.fetch("http://auth.test/console/app.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    await css.body?.cancel();
    for (const path of ["/console/index.html", "/console/..%2fscalar.js", "/console/secret.txt"]) {
      const res = await SELF.fetch(`http://auth.test${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ success: false, code: "NOT_FOUND" });
    }
  });
});
