import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient, adminWithRole, ownerToken } from "../helpers/admin";
import { createProject, uniqueId } from "../helpers/fixtures";
import { CLIENT_ID, CLIENT_SECRET, StubProvider, installFetchStub } from "./stub-provider";

let owner: ReturnType<typeof adminClient>;
let admin: ReturnType<typeof adminClient>;
let viewer: ReturnType<typeof adminClient>;
let stub: StubProvider;
beforeAll(async () => {
  installFetchStub();
  stub = new StubProvider();
  owner = adminClient(await ownerToken());
  admin = adminClient((await adminWithRole("admin")).token);
  viewer = adminClient((await adminWithRole("viewer")).token);
});

type Body = { type: "oidc" | "github" | "google"; clientId: string; clientSecret?: string; issuer?: string; scopes?: string[]; enabled?: boolean };
const at = (projectId: string, provider: string) => ({ params: { path: { projectId, provider } } });
const put = (client: typeof owner, projectId: string, provider: string, body: Body) =>
  client.PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", { ...at(projectId, provider), body });
const oidc = (): Body => ({ type: "oidc", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, issuer: stub.issuer });

describe("PUT /api/admin/projects/:projectId/oauth-providers/:provider", () => {
  it("creates an OIDC provider from its discovery document (201) and never returns the secret", async () => {
    const projectId = await createProject();
    const { data, response } = await put(owner, projectId, "corp", oidc());
    expect(response.status).toBe(201);
    expect(data!.data).toMatchObject({
      provider: "corp",
      type: "oidc",
      clientId: CLIENT_ID,
      clientSecretSet: true,
      issuer: stub.issuer,
      scopes: ["openid", "email", "profile"],
      enabled: true,
      callbackUrl: `http://auth.test/api/auth/${projectId}/oauth/corp/callback`,
      endpoints: {
        authorization: `${stub.issuer}/authorize`,
        codeExchange: `${stub.issuer}/token`,
        jwks: `${stub.issuer}/jwks`,
        userinfo: `${stub.issuer}/userinfo`,
      },
    });
    const text = JSON.stringify(data);
    expect(text).not.toContain(CLIENT_SECRET);
    const row = await env.DB.prepare(`SELECT * FROM oauth_providers WHERE project_id = ?`).bind(projectId).first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
    expect(row!.client_secret_box).toMatch(/^v1\./);
    expect(text).not.toContain(row!.client_secret_box);
  });

  it("replaces a provider (200), keeps the stored secret when clientSecret is omitted, and adds openid to the scopes", async () => {
    const projectId = await createProject();
    await put(owner, projectId, "corp", oidc());
    const before = await env.DB.prepare(`SELECT client_secret_box FROM oauth_providers WHERE project_id = ?`)
      .bind(projectId)
      .first<string>("client_secret_box");
    const { data, response } = await put(admin, projectId, "corp", {
      type: "oidc",
      clientId: "other-client",
      issuer: stub.issuer,
      scopes: ["email"],
      enabled: false,
    });
    expect(response.status).toBe(200);
    expect(data!.data).toMatchObject({ clientId: "other-client", clientSecretSet: true, scopes: ["openid", "email"], enabled: false });
    expect(await env.DB.prepare(`SELECT client_secret_box FROM oauth_providers WHERE project_id = ?`).bind(projectId).first<string>("client_secret_box")).toBe(
      before,
    );
  });

  it("configures the GitHub and Google presets without discovery, requiring a secret", async () => {
    const projectId = await createProject();
    const gh = await put(owner, projectId, "github", { type: "github", clientId: "gh-client", clientSecret: "gh-secret" });
    expect(gh.response.status).toBe(201);
    expect(gh.data!.data).toMatchObject({
      issuer: "https://github.com",
      scopes: ["read:user", "user:email"],
      endpoints: { jwks: null, userinfo: "https://api.github.com/user" },
    });
    const google = await put(owner, projectId, "google", { type: "google", clientId: "g-client", clientSecret: "g-secret" });
    expect(google.data!.data).toMatchObject({ issuer: "https://accounts.google.com", endpoints: { jwks: "https://www.googleapis.com/oauth2/v3/certs" } });
    const noSecret = await put(owner, projectId, "google2", { type: "google", clientId: "g-client" });
    expect(noSecret.response.status).toBe(400);
    expect(noSecret.error!.error).toContain("clientSecret");
  });

  it("answers 400 VALIDATION_ERROR for a missing or misplaced issuer, a bad slug or unknown fields", async () => {
    const projectId = await createProject();
    const cases: [string, unknown][] = [
      ["corp", { type: "oidc", clientId: "x" }],
      ["corp", { type: "github", clientId: "x", clientSecret: "y", issuer: "https://github.com" }],
      ["corp", { type: "oidc", clientId: "x", issuer: "http://idp.example.com" }],
      ["corp", { ...oidc(), extra: true }],
      ["Not A Slug", oidc()],
    ];
    for (const [slug, body] of cases) {
      const { response, error } = await put(owner, projectId, slug, body as Body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(error!.code).toBe("VALIDATION_ERROR");
    }
  });

  it("answers 400 when the discovery document names another issuer, and 502 UPSTREAM_ERROR when it cannot be fetched", async () => {
    const projectId = await createProject();
    const mismatch = await put(owner, projectId, "corp", { ...oidc(), issuer: `${stub.issuer}/` });
    expect(mismatch.response.status).toBe(400);
    expect(mismatch.error!.error).toContain("different issuer");
    const down = await put(owner, projectId, "corp", { ...oidc(), issuer: `https://${uniqueId("gone").replace(/_/g, "-")}.test` });
    expect(down.response.status).toBe(502);
    expect(down.error!.code).toBe("UPSTREAM_ERROR");
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM oauth_providers WHERE project_id = ?`).bind(projectId).first<number>("n")).toBe(0);
  });

  it("answers 404 for an unknown project and 403 for a viewer", async () => {
    expect((await put(owner, "no_such_project", "corp", oidc())).response.status).toBe(404);
    const projectId = await createProject();
    const { response, error } = await put(viewer, projectId, "corp", oidc());
    expect(response.status).toBe(403);
    expect(error!.code).toBe("FORBIDDEN");
  });

  it("audits the change without the secret", async () => {
    const projectId = await createProject();
    await put(owner, projectId, "corp", oidc());
    const entry = await env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ? AND type = 'admin.oauth_provider.put'`)
      .bind(projectId)
      .first<{ details: string }>();
    expect(JSON.parse(entry!.details)).toMatchObject({ type: "oidc", created: true, clientSecretChanged: true });
    expect(entry!.details).not.toContain(CLIENT_SECRET);
  });
});

describe("GET and DELETE /api/admin/projects/:projectId/oauth-providers/:provider", () => {
  it("lets a viewer read (list and one) and shows only clientSecretSet", async () => {
    const projectId = await createProject();
    await put(owner, projectId, "corp", oidc());
    await put(owner, projectId, "public", { type: "oidc", clientId: "spa", issuer: stub.issuer });
    const list = await viewer.GET("/api/admin/projects/{projectId}/oauth-providers", { params: { path: { projectId } } });
    expect(list.response.status).toBe(200);
    expect(list.data!.data.map((p) => [p.provider, p.clientSecretSet])).toEqual([
      ["corp", true],
      ["public", false],
    ]);
    expect(JSON.stringify(list.data)).not.toContain(CLIENT_SECRET);
    const one = await viewer.GET("/api/admin/projects/{projectId}/oauth-providers/{provider}", at(projectId, "corp"));
    expect(one.data!.data.clientSecretSet).toBe(true);
    const missing = await viewer.GET("/api/admin/projects/{projectId}/oauth-providers/{provider}", at(projectId, "nope"));
    expect(missing.response.status).toBe(404);
  });

  it("deletes a provider (admin only): then 404, and a second delete is 404", async () => {
    const projectId = await createProject();
    await put(owner, projectId, "corp", oidc());
    expect((await viewer.DELETE("/api/admin/projects/{projectId}/oauth-providers/{provider}", at(projectId, "corp"))).response.status).toBe(403);
    const { data, response } = await admin.DELETE("/api/admin/projects/{projectId}/oauth-providers/{provider}", at(projectId, "corp"));
    expect(response.status).toBe(200);
    expect(data!.data.deleted).toBe(true);
    expect((await owner.GET("/api/admin/projects/{projectId}/oauth-providers/{provider}", at(projectId, "corp"))).response.status).toBe(404);
    expect((await admin.DELETE("/api/admin/projects/{projectId}/oauth-providers/{provider}", at(projectId, "corp"))).response.status).toBe(404);
    const audits = await env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE project_id = ? AND type = 'admin.oauth_provider.delete'`)
      .bind(projectId)
      .first<number>("n");
    expect(audits).toBe(1);
  });
});
