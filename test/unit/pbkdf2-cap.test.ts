import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../helpers/client";
import { PASSWORD, bearer, createProject, registerUser } from "../helpers/fixtures";

// Production Workers refuse PBKDF2 above 100,000 iterations (local workerd does not), so a
// regression would only show after deploying. This pins the cap across every auth flow.
const WORKERS_PBKDF2_MAX = 100_000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("PBKDF2 usage", () => {
  it("never asks WebCrypto for more than 100,000 PBKDF2 iterations in any auth flow", async () => {
    const calls: Array<{ name: string; iterations?: number }> = [];
    const record = (algorithm: unknown) => {
      const a = algorithm as { name?: string; iterations?: number };
      calls.push({ name: String(a?.name ?? algorithm), iterations: a?.iterations });
    };
    const deriveBits = crypto.subtle.deriveBits.bind(crypto.subtle);
    const deriveKey = crypto.subtle.deriveKey.bind(crypto.subtle);
    vi.spyOn(crypto.subtle, "deriveBits").mockImplementation((algorithm, ...rest) => (record(algorithm), deriveBits(algorithm as never, ...rest)));
    vi.spyOn(crypto.subtle, "deriveKey").mockImplementation((algorithm, ...rest) => (record(algorithm), deriveKey(algorithm as never, ...rest)));

    const projectId = await createProject();
    const user = await registerUser(projectId);
    const params = { path: { projectId } };
    const login = await api.POST("/api/auth/{projectId}/login", { params, body: { email: user.email, password: PASSWORD } });
    await api.POST("/api/auth/{projectId}/refresh", { params, body: { refreshToken: login.data!.data.refreshToken } });
    await bearer(user.accessToken).POST("/api/auth/{projectId}/me/password", { params, body: { currentPassword: PASSWORD, newPassword: "another long passphrase" } });

    expect(calls.length).toBeGreaterThan(0); // the spies do see key derivation (HKDF for sealed secrets)
    const pbkdf2 = calls.filter((c) => c.name.toUpperCase() === "PBKDF2");
    for (const call of pbkdf2) expect(call.iterations).toBeLessThanOrEqual(WORKERS_PBKDF2_MAX);
  });
});
