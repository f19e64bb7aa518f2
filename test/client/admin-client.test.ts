// createAdminClient against the real Worker: login keeps the session, X-Admin-Session rides on every call,
// paginate walks meta.nextCursor, logout ends the session on the server. Every answer is contract-checked.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createAdminClient } from "../../src/client";
import { Secret, TOTP } from "otpauth";
import { ADMIN_PASSWORD, adminSessionOf, adminWithRole } from "../helpers/admin";
import { BASE_URL, call } from "../helpers/client";
import { uniqueId } from "../helpers/fixtures";

const admin = (sessionToken?: string) => createAdminClient({ baseUrl: BASE_URL, fetch: (request: Request) => call(request), sessionToken });
const login = async () => {
  const client = admin();
  const result = await client.login(env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);
  expect(result.error).toBeNull();
  return client;
};

describe("createAdminClient", () => {
  it("login keeps the session token and sends it as X-Admin-Session on typed calls", async () => {
    const client = admin();
    expect((await client.api.GET("/api/admin/projects")).response.status).toBe(401);

    const result = await client.login(env.ADMIN_EMAIL!, env.ADMIN_PASSWORD!);
    expect(result.error).toBeNull();
    const session = adminSessionOf(result.data!);
    expect(session.admin.email).toBe(env.ADMIN_EMAIL);
    expect(client.sessionToken).toBe(session.sessionToken);

    const projects = await client.api.GET("/api/admin/projects");
    expect(projects.response.status).toBe(200);
    expect(Array.isArray(projects.data?.data)).toBe(true);
  });

  it("a wrong password answers { data: null, error } with the status and typed code, and keeps no token", async () => {
    const client = admin();
    const result = await client.login(env.ADMIN_EMAIL!, "not the password");
    expect(result.data).toBeNull();
    expect(result.error).toMatchObject({ status: 401, code: "INVALID_CREDENTIALS" });
    expect(client.sessionToken).toBeNull();
  });

  it("logout ends the session on the server and forgets the token", async () => {
    const client = await login();
    const token = client.sessionToken!;
    const result = await client.logout();
    expect(result).toEqual({ data: { loggedOut: true }, error: null });
    expect(client.sessionToken).toBeNull();
    // The old token no longer works, even when handed back explicitly.
    expect((await admin(token).api.GET("/api/admin/projects")).response.status).toBe(401);
  });

  it("a session token kept from an earlier login works in a new client", async () => {
    const token = (await login()).sessionToken!;
    expect((await admin(token).api.GET("/api/admin/projects")).response.status).toBe(200);
  });

  it("paginate follows meta.nextCursor over several pages and yields every item once", async () => {
    const client = await login();
    const prefix = uniqueId("pg");
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { data } = await client.api.POST("/api/admin/projects", { body: { name: `${prefix} ${i}`, environment: "development" } });
      created.push(data!.data.id);
    }
    const pages: string[][] = [];
    for await (const page of client.paginate("/api/admin/projects", { query: { limit: 2, search: prefix } })) {
      expect(page.error).toBeNull();
      pages.push(page.data!.map((p) => p.id));
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().sort()).toEqual([...created].sort());
  });

  it("paginate takes the path parameters of a nested list", async () => {
    const client = await login();
    const { data } = await client.api.POST("/api/admin/projects", { body: { name: uniqueId("pg-users"), environment: "development" } });
    const projectId = data!.data.id;
    for (let i = 0; i < 3; i++) {
      await client.api.POST("/api/admin/projects/{projectId}/users", {
        params: { path: { projectId } },
        body: { email: `${uniqueId("u")}@example.com`, password: "a long user passphrase" },
      });
    }
    const emails: string[] = [];
    let pages = 0;
    for await (const page of client.paginate("/api/admin/projects/{projectId}/users", { path: { projectId }, query: { limit: 2 } })) {
      pages++;
      for (const user of page.data ?? []) emails.push(user.email);
    }
    expect(pages).toBe(2);
    expect(emails).toHaveLength(3);
  });

  it("paginate yields an error once and stops when the call fails", async () => {
    const results = [];
    for await (const page of admin().paginate("/api/admin/projects")) results.push(page);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ data: null, error: { status: 401, code: "UNAUTHORIZED" } });
  });

  it("a fetch that fails answers a NETWORK_ERROR result instead of throwing", async () => {
    const client = createAdminClient({ baseUrl: BASE_URL, fetch: async () => Promise.reject(new TypeError("connection refused")) });
    const result = await client.login("a@example.com", "x");
    expect(result.error).toMatchObject({ status: 0, code: "NETWORK_ERROR", message: "connection refused" });
  });

  it("login answers the challenge branch for an admin with TOTP; verifyMfa completes it and keeps the session", async () => {
    const { email, token } = await adminWithRole("viewer");
    const setup = admin(token);
    const { secret } = (await setup.api.POST("/api/admin/me/mfa/totp/enroll")).data!.data;
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    const { recoveryCodes } = (await setup.api.POST("/api/admin/me/mfa/totp/confirm", { body: { code } })).data!.data;

    const client = admin();
    expect(() => client.verifyMfa({ code })).toThrow(/login/);
    const first = await client.login(email, ADMIN_PASSWORD);
    expect(first.data).toMatchObject({ mfaRequired: true, methods: ["totp", "recovery_code"] });
    expect(client.sessionToken).toBeNull();

    const wrong = await client.verifyMfa({ recoveryCode: "AAAAA-AAAAA" });
    expect(wrong).toMatchObject({ data: null, error: { status: 401, code: "INVALID_CODE" } });
    expect(client.sessionToken).toBeNull();

    const done = await client.verifyMfa({ recoveryCode: recoveryCodes[0]! });
    expect(done.error).toBeNull();
    expect(client.sessionToken).toBe(done.data!.sessionToken);
    expect((await client.api.GET("/api/admin/me")).data!.data).toMatchObject({ email, mfa: { totp: true } });
  });
});
