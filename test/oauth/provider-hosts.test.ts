// Every URL the Worker fetches on an admin's say-so (the issuer, and the endpoints its discovery
// document names) must be a public host: no IP literal, no private or local name, loopback only
// while the Worker itself is served from loopback (wrangler dev). Discovery errors name the check
// that failed, never what the remote answered.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../generated/client.js";
import { ownerToken } from "../helpers/admin";
import { call } from "../helpers/client";
import { createProject, uniqueId } from "../helpers/fixtures";
import { CLIENT_ID, CLIENT_SECRET, StubProvider, addRoute, appRedirect, authorize, callback, installFetchStub, projectWithProvider } from "./stub-provider";

let session: string;
const fetched: string[] = [];
beforeAll(async () => {
  installFetchStub();
  addRoute((request) => {
    fetched.push(request.url);
    return undefined;
  });
  session = await ownerToken();
});

/** The Admin API as reached at `origin` (the request's own host decides what counts as local development). */
const adminAt = (origin: string) => createClient({ baseUrl: origin, headers: { "X-Admin-Session": session }, fetch: (request: Request) => call(request) });
const put = (origin: string, projectId: string, issuer: string) =>
  adminAt(origin).PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
    params: { path: { projectId, provider: "corp" } },
    body: { type: "oidc", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer },
  });

/** An issuer whose discovery document is `doc` (with its own issuer filled in), answered with `status`. */
function scriptedIssuer(origin: string, doc: (issuer: string) => unknown, status = 200): string {
  addRoute((request) => {
    const url = new URL(request.url);
    if (url.origin !== origin) return undefined;
    if (url.pathname !== "/.well-known/openid-configuration") return new Response("not found", { status: 404 });
    const body = doc(origin);
    return typeof body === "string" ? new Response(body, { status }) : Response.json(body, { status });
  });
  return origin;
}
const goodDoc =
  (overrides: Record<string, unknown> = {}) =>
  (issuer: string) => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    code_challenge_methods_supported: ["S256"],
    ...overrides,
  });
const freshHost = (tag: string) => `https://${uniqueId(tag).replace(/_/g, "-")}.test`;

const REFUSED_ISSUERS = [
  "https://127.0.0.1",
  "https://2130706433",
  "https://0x7f.1",
  "https://0177.0.0.1",
  "https://[::1]",
  "https://[::ffff:127.0.0.1]",
  "https://10.0.0.1",
  "https://192.168.1.10",
  "https://169.254.169.254",
  "https://100.64.0.1",
  "https://[fd00::1]",
  "https://[fe80::1]",
  "https://8.8.8.8",
  "https://localhost",
  "https://idp.localhost",
  "https://printer.local",
  "https://metadata.google.internal",
  "http://127.0.0.1:9999",
  "http://localhost:9999",
];

describe("PUT /api/admin/projects/:projectId/oauth-providers/:provider (provider hosts)", () => {
  it("refuses IP-literal, private and local issuer hosts with 400 VALIDATION_ERROR naming issuer, without fetching them", async () => {
    const projectId = await createProject();
    for (const issuer of REFUSED_ISSUERS) {
      fetched.length = 0;
      const { response, error } = await put("http://auth.test", projectId, issuer);
      expect(response.status, issuer).toBe(400);
      expect(error!.code, issuer).toBe("VALIDATION_ERROR");
      expect(error!.details?.[0]?.path, issuer).toBe("issuer");
      expect(fetched, issuer).toEqual([]);
    }
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM oauth_providers WHERE project_id = ?`).bind(projectId).first<number>("n")).toBe(0);
  });

  it("refuses a discovery document whose endpoints point at a private or IP-literal host", async () => {
    const projectId = await createProject();
    const cases = {
      token_endpoint: "https://169.254.169.254/latest/meta-data",
      jwks_uri: "https://10.0.0.5/jwks",
      userinfo_endpoint: "https://[fd00::1]/userinfo",
      authorization_endpoint: "https://localhost/authorize",
    };
    for (const [field, url] of Object.entries(cases)) {
      const issuer = scriptedIssuer(freshHost("idp"), goodDoc({ [field]: url }));
      const { response, error } = await put("http://auth.test", projectId, issuer);
      expect(response.status, field).toBe(400);
      expect(error!.code).toBe("VALIDATION_ERROR");
      expect(error!.error).toContain(field);
    }
  });

  it("never echoes what the remote answered in a discovery error", async () => {
    const projectId = await createProject();
    const attacker = "ATTACKER-TEXT <script>alert(1)</script>";
    const mismatch = await put("http://auth.test", projectId, scriptedIssuer(freshHost("idp"), goodDoc({ issuer: attacker })));
    expect(mismatch.response.status).toBe(400);
    expect(mismatch.error!.error).toContain("different issuer");
    const failing = await put(
      "http://auth.test",
      projectId,
      scriptedIssuer(freshHost("idp"), () => attacker, 418),
    );
    expect(failing.response.status).toBe(502);
    const notJson = await put(
      "http://auth.test",
      projectId,
      scriptedIssuer(freshHost("idp"), () => attacker),
    );
    expect(notJson.response.status).toBe(502);
    for (const { error } of [mismatch, failing, notJson]) {
      expect(error!.error).not.toContain("ATTACKER");
      expect(error!.error).not.toContain("418");
      expect(error!.error).not.toContain("script");
    }
  });

  it("allows a loopback issuer over http while the Worker is served from loopback (wrangler dev), and nothing else private", async () => {
    const projectId = await createProject();
    for (const origin of ["http://127.0.0.1:8787", "http://localhost:8787"]) {
      const issuer = scriptedIssuer(`http://127.0.0.1:${9000 + fetched.length}`, goodDoc());
      const { response, error } = await put(origin, projectId, issuer);
      expect(response.status, `${origin} ${JSON.stringify(error)}`).toBeLessThan(300);
      expect((await put(origin, projectId, "https://10.0.0.1")).response.status).toBe(400);
      expect((await put(origin, projectId, "https://169.254.169.254")).response.status).toBe(400);
    }
  });
});

describe("GET /api/auth/:projectId/oauth/:provider/callback (provider hosts)", () => {
  it("refuses to call a stored endpoint on a private host, without fetching it", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    await env.DB.prepare(`UPDATE oauth_providers SET token_url = 'https://169.254.169.254/token' WHERE project_id = ?`).bind(projectId).run();
    await authorize(stub, projectId);
    fetched.length = 0;
    const params = appRedirect(await callback(projectId, { code: "provider-code", state: stub.authorize!.get("state")! }));
    expect(params.get("error")).toBe("server_error");
    expect(fetched).toEqual([]);
    const audit = await env.DB.prepare(
      `SELECT details FROM audit_log WHERE project_id = ? AND type = 'auth.oauth.callback' ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    )
      .bind(projectId)
      .first<string>("details");
    expect(JSON.parse(audit!).reason).toBe("provider_endpoint_refused");
  });
});
