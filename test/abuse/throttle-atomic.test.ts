import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hashStats } from "../../src/crypto/password";
import { DEFAULT_RULES } from "../../src/config";
import type { RuleOverrides } from "../../src/lib/rate-limit";
import { adminWithRole } from "../helpers/admin";
import { apiClient } from "../helpers/client";
import { PASSWORD, createProject, registerUser } from "../helpers/fixtures";

// Slow before the fix (every request hashed), fast after; the assertions count hashes, never time.
const BURST_TIMEOUT = 300_000;

let projectId: string;
beforeEach(async () => {
  projectId = await createProject();
  vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const setLimits = (overrides: RuleOverrides) =>
  env.DB.prepare(`UPDATE projects SET rate_limits = ? WHERE id = ?`).bind(JSON.stringify(overrides), projectId).run();
const login = (ip: string, email: string, password: string) =>
  apiClient({ "CF-Connecting-IP": ip }).POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email, password } });

/** Runs `n` requests at once; returns their statuses and how many password hashes they cost. */
async function burst(n: number, send: (i: number) => Promise<{ response: Response; error?: { code: string } }>) {
  const before = hashStats.scrypt;
  const results = await Promise.all(Array.from({ length: n }, (_, i) => send(i)));
  const verified = hashStats.scrypt - before;
  const refused = results.filter((r) => r.response.status === 429);
  for (const r of refused) {
    expect(r.error!.code).toBe("RATE_LIMITED");
    expect(Number(r.response.headers.get("retry-after"))).toBeGreaterThan(0);
  }
  const wrong = results.filter((r) => r.response.status === 401);
  for (const r of wrong) expect(r.error!.code).toBe("INVALID_CREDENTIALS");
  expect(wrong.length + refused.length).toBe(n);
  return { verified, wrong: wrong.length, refused: refused.length };
}

describe("POST /api/auth/:projectId/login under a burst", () => {
  it(
    "verifies at most the account+IP allowance of 200 parallel wrong passwords from one IP; the rest get 429",
    async () => {
      const user = await registerUser(projectId);
      const { verified, wrong } = await burst(200, () => login("198.51.100.20", user.email, "wrong-password-1"));
      const allowance = DEFAULT_RULES["login.account_ip"].freeFailures + 1;
      expect(verified).toBeLessThanOrEqual(allowance);
      expect(wrong).toBe(verified);
    },
    BURST_TIMEOUT,
  );

  it(
    "verifies at most login.account's limit of 200 parallel wrong passwords from 200 IPs",
    async () => {
      await setLimits({ "login.account": { kind: "window", limit: 10, windowSeconds: 900 } });
      const user = await registerUser(projectId);
      const { verified, wrong } = await burst(200, (i) => login(`198.51.${100 + (i >> 8)}.${i & 255}`, user.email, "wrong-password-1"));
      expect(verified).toBeLessThanOrEqual(10);
      expect(wrong).toBe(verified);
    },
    BURST_TIMEOUT,
  );

  it("does not count a successful login against the account's window", async () => {
    await setLimits({ "login.account": { kind: "window", limit: 2, windowSeconds: 900 } });
    const user = await registerUser(projectId);
    const noIp = apiClient();
    for (let i = 0; i < 4; i++) {
      expect(
        (await noIp.POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email: user.email, password: PASSWORD } })).response.status,
      ).toBe(200);
    }
    expect((await login("198.51.100.21", user.email, "wrong-password-1")).response.status).toBe(401);
    expect((await login("198.51.100.22", user.email, "wrong-password-1")).response.status).toBe(401);
    expect((await login("198.51.100.23", user.email, "wrong-password-1")).response.status).toBe(429);
  });

  it("gives back the other rules' slots when one rule refuses, so refused requests spend nothing", async () => {
    await setLimits({ "login.account": { kind: "window", limit: 8, windowSeconds: 900 } });
    const user = await registerUser(projectId);
    const allowance = DEFAULT_RULES["login.account_ip"].freeFailures + 1;
    const { wrong } = await burst(30, () => login("198.51.100.27", user.email, "wrong-password-1"));
    expect(wrong).toBeLessThanOrEqual(allowance);
    expect((await login("198.51.100.28", user.email, "wrong-password-1")).response.status).toBe(401);
  });
});

describe("POST /api/admin/login under a burst", () => {
  it(
    "verifies at most the account+IP allowance of 200 parallel wrong passwords from one IP",
    async () => {
      const admin = await adminWithRole("viewer");
      const client = apiClient({ "CF-Connecting-IP": "198.51.100.24" });
      const { verified, wrong } = await burst(200, () => client.POST("/api/admin/login", { body: { email: admin.email, password: "wrong-password-1" } }));
      expect(verified).toBeLessThanOrEqual(DEFAULT_RULES["admin_login.account_ip"].freeFailures + 1);
      expect(wrong).toBe(verified);
    },
    BURST_TIMEOUT,
  );
});

describe("current-password checks", () => {
  it(
    "POST /api/auth/:projectId/me/password counts wrong current passwords like login: 429 after the allowance",
    async () => {
      const user = await registerUser(projectId);
      const client = apiClient({ "CF-Connecting-IP": "198.51.100.25", Authorization: `Bearer ${user.accessToken}` });
      const change = (currentPassword: string) =>
        client.POST("/api/auth/{projectId}/me/password", {
          params: { path: { projectId } },
          body: { currentPassword, newPassword: "an even longer passphrase" },
        });
      const { verified } = await burst(30, () => change("wrong-password-1"));
      expect(verified).toBeLessThanOrEqual(DEFAULT_RULES["login.account_ip"].freeFailures + 1);
      const blocked = await change(PASSWORD);
      expect(blocked.response.status).toBe(429);
      expect(blocked.response.headers.get("retry-after")).toBeTruthy();
    },
    BURST_TIMEOUT,
  );

  it(
    "POST /api/admin/me/password counts wrong current passwords like admin login: 429 after the allowance",
    async () => {
      const admin = await adminWithRole("viewer");
      const client = apiClient({ "CF-Connecting-IP": "198.51.100.26", "X-Admin-Session": admin.token });
      const change = (currentPassword: string) =>
        client.POST("/api/admin/me/password", { body: { currentPassword, newPassword: "an even longer passphrase" } });
      const { verified } = await burst(30, () => change("wrong-password-1"));
      expect(verified).toBeLessThanOrEqual(DEFAULT_RULES["admin_login.account_ip"].freeFailures + 1);
      expect((await change("a long admin passphrase")).response.status).toBe(429);
    },
    BURST_TIMEOUT,
  );
});
