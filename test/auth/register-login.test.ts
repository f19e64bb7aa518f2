import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { hashStats } from "../../src/crypto/password";
import { api, call } from "../helpers/client";
import { PASSWORD, createProject, registerUser, uniqueId, tokensOf } from "../helpers/fixtures";

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});

const path = {
  params: {
    path: {
      get projectId() {
        return projectId;
      },
    },
  },
};

describe("POST /api/auth/:projectId/register", () => {
  it("creates the user with the guide's example body and answers 201 with tokens", async () => {
    const { data, response } = await api.POST("/api/auth/{projectId}/register", {
      ...path,
      body: { email: "user@example.com", password: "strongpassword123", displayName: "John Doe" },
    });
    expect(response.status).toBe(201);
    expect(data!.data.user).toMatchObject({ email: "user@example.com", displayName: "John Doe", emailVerified: false });
    expect(data!.data.accessToken.split(".")).toHaveLength(3);
    expect(data!.data.refreshToken).toMatch(/^rt_[\w-]{43}$/);
    const row = await env.DB.prepare(`SELECT password_hash FROM users WHERE id = ?`).bind(data!.data.user.id).first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^\$scrypt\$ln=14,r=8,p=5,pep=1,pid=[0-9a-f]{8}\$/);
  });

  it("trims the email and treats it case-insensitively: a second registration is 409 EMAIL_TAKEN", async () => {
    const email = `${uniqueId("Case")}@Example.com`;
    await registerUser(projectId, `  ${email} `);
    const { error, response } = await api.POST("/api/auth/{projectId}/register", { ...path, body: { email: email.toLowerCase(), password: PASSWORD } });
    expect(response.status).toBe(409);
    expect(error).toMatchObject({ success: false, code: "EMAIL_TAKEN" });
  });

  it("allows the same email in another project (tenants are separate)", async () => {
    const other = await createProject();
    const email = `${uniqueId("same")}@example.com`;
    await registerUser(projectId, email);
    await expect(registerUser(other, email)).resolves.toMatchObject({ email });
  });

  it.each([
    ["a short password", { password: "short1" }, "password"],
    ["a 129-character password", { password: "x".repeat(129) }, "password"],
    ["a common password", { password: "password123" }, "password"],
    ["an invalid email", { email: "not-an-email" }, "email"],
    ["a missing email", { email: undefined }, "email"],
  ])("rejects %s with 400 VALIDATION_ERROR naming the field", async (_label, patch, field) => {
    const body = { email: `${uniqueId("v")}@example.com`, password: PASSWORD, ...patch };
    const { error, response } = await api.POST("/api/auth/{projectId}/register", { ...path, body: body as never });
    expect(response.status).toBe(400);
    expect(error!.code).toBe("VALIDATION_ERROR");
    expect(error!.error).toContain(field);
    expect(error!.details!.map((d) => d.path)).toContain(field);
  });

  it("answers 404 NOT_FOUND for an unknown project and writes nothing", async () => {
    const email = `${uniqueId("ghost")}@example.com`;
    const { error, response } = await api.POST("/api/auth/{projectId}/register", {
      params: { path: { projectId: "no_such_project" } },
      body: { email, password: PASSWORD },
    });
    expect(response.status).toBe(404);
    expect(error!.code).toBe("NOT_FOUND");
    expect(await env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE email_normalized = ?`).bind(email).first("n")).toBe(0);
  });

  it("answers 403 PROJECT_DISABLED for a disabled project", async () => {
    const disabled = await createProject();
    await env.DB.prepare(`UPDATE projects SET enabled = 0 WHERE id = ?`).bind(disabled).run();
    const { error, response } = await api.POST("/api/auth/{projectId}/register", {
      params: { path: { projectId: disabled } },
      body: { email: "a@example.com", password: PASSWORD },
    });
    expect(response.status).toBe(403);
    expect(error!.code).toBe("PROJECT_DISABLED");
  });

  it("answers malformed JSON with 400 INVALID_JSON and a non-JSON body with 415", async () => {
    const url = `/api/auth/${projectId}/register`;
    const bad = await call(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"email": "a@example.com",' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ success: false, code: "INVALID_JSON" });
    const text = await call(url, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hello" });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
  });

  it("answers an oversized body with 413 PAYLOAD_TOO_LARGE before parsing it", async () => {
    const res = await call(`/api/auth/${projectId}/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "big@example.com", password: "x".repeat(70_000) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("records the registration in the audit log with request id and user agent", async () => {
    const res = await call(`/api/auth/${projectId}/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "audit-test/1.0", "X-Request-Id": "req-audit-1" },
      body: JSON.stringify({ email: `${uniqueId("audit")}@example.com`, password: PASSWORD }),
    });
    const { data } = (await res.json()) as { data: { user: { id: string } } };
    const row = await env.DB.prepare(`SELECT * FROM audit_log WHERE type = 'auth.register' AND actor_id = ?`)
      .bind(data.user.id)
      .first<Record<string, string>>();
    expect(row).toMatchObject({ outcome: "success", project_id: projectId, user_agent: "audit-test/1.0", request_id: "req-audit-1" });
  });
});

describe("POST /api/auth/:projectId/login", () => {
  it("logs in with the right password and returns the same shape as register", async () => {
    const user = await registerUser(projectId);
    const { data, response } = await api.POST("/api/auth/{projectId}/login", { ...path, body: { email: user.email.toUpperCase(), password: PASSWORD } });
    expect(response.status).toBe(200);
    expect(tokensOf(data!.data).user.id).toBe(user.user.id);
    expect(tokensOf(data!.data).refreshToken).not.toBe(user.refreshToken);
  });

  it("gives a wrong password and an unknown email the same 401 after exactly one hash each", async () => {
    const user = await registerUser(projectId);
    const attempt = async (email: string) => {
      const before = hashStats.scrypt;
      const { error, response } = await api.POST("/api/auth/{projectId}/login", { ...path, body: { email, password: "wrong-password-1" } });
      return { status: response.status, body: error, hashes: hashStats.scrypt - before };
    };
    const wrongPassword = await attempt(user.email);
    const unknownEmail = await attempt(`${uniqueId("nobody")}@example.com`);
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
    expect(wrongPassword.body!.code).toBe("INVALID_CREDENTIALS");
    expect(wrongPassword.hashes).toBe(1);
    expect(unknownEmail.hashes).toBe(1);
  });

  it("refuses a disabled user with 403 USER_DISABLED, but only after a correct password", async () => {
    const user = await registerUser(projectId);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(user.user.id).run();
    const wrong = await api.POST("/api/auth/{projectId}/login", { ...path, body: { email: user.email, password: "wrong-password-1" } });
    expect(wrong.response.status).toBe(401);
    const right = await api.POST("/api/auth/{projectId}/login", { ...path, body: { email: user.email, password: PASSWORD } });
    expect(right.response.status).toBe(403);
    expect(right.error!.code).toBe("USER_DISABLED");
  });

  it("upgrades a hash made with older parameters on the next login", async () => {
    const user = await registerUser(projectId);
    const { hashPassword } = await import("../../src/crypto/password");
    const weak = await hashPassword(PASSWORD, env.PASSWORD_PEPPER, { ln: 12, r: 8, p: 1 });
    await env.DB.prepare(`UPDATE users SET password_hash = ? WHERE id = ?`).bind(weak, user.user.id).run();
    const { response } = await api.POST("/api/auth/{projectId}/login", { ...path, body: { email: user.email, password: PASSWORD } });
    expect(response.status).toBe(200);
    const row = await env.DB.prepare(`SELECT password_hash FROM users WHERE id = ?`).bind(user.user.id).first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^\$scrypt\$ln=14,r=8,p=5,pep=1,pid=[0-9a-f]{8}\$/);
  });

  it("audits failed logins with the reason and no password", async () => {
    // A project of its own, so the one failure below is the only one its log can hold.
    const own = await createProject();
    const email = `${uniqueId("fail")}@example.com`;
    const { response } = await api.POST("/api/auth/{projectId}/login", {
      params: { path: { projectId: own } },
      body: { email, password: "secret-attempt-99" },
    });
    expect(response.status).toBe(401);
    const rows = await env.DB.prepare(`SELECT * FROM audit_log WHERE type = 'auth.login' AND outcome = 'failure' AND project_id = ?`)
      .bind(own)
      .all<Record<string, unknown>>();
    expect(rows.results).toHaveLength(1);
    expect(JSON.parse(String(rows.results[0]!.details))).toEqual({ reason: "invalid_credentials" });
    expect(JSON.stringify(rows.results)).not.toContain("secret-attempt-99");
  });
});
