import { afterEach, describe, expect, it, vi } from "vitest";
import { hashStats } from "../../src/crypto/password";
import { api } from "../helpers/client";
import { PASSWORD, bearer, createProject, registerUser, tokensOf } from "../helpers/fixtures";

// Production Workers refuse PBKDF2 above 100,000 iterations (local workerd does not), so a password
// hash on PBKDF2 would only break after deploying. Hashing is scrypt (node:crypto); this proves no
// auth flow reaches WebCrypto's PBKDF2 at all, with spies that demonstrably see the Worker's own calls.

afterEach(() => {
  vi.restoreAllMocks();
});

type Seen = { method: string; name: string; iterations?: number };

/** Records every algorithm handed to the WebCrypto calls that can start or run a PBKDF2 derivation. */
function spyOnKeyDerivation(): Seen[] {
  const seen: Seen[] = [];
  const nameOf = (algorithm: unknown) => String((algorithm as { name?: string })?.name ?? algorithm).toUpperCase();
  const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [method, at] of [
    ["importKey", 2],
    ["deriveBits", 0],
    ["deriveKey", 0],
  ] as const) {
    const original = subtle[method]!.bind(crypto.subtle);
    vi.spyOn(subtle, method).mockImplementation((...args: unknown[]) => {
      seen.push({ method, name: nameOf(args[at]), iterations: (args[at] as { iterations?: number })?.iterations });
      return original(...args);
    });
  }
  return seen;
}

describe("password hashing on Workers", () => {
  it("logs in, refreshes and changes a password with scrypt only, never asking WebCrypto for PBKDF2", async () => {
    const projectId = await createProject();
    const user = await registerUser(projectId);
    const params = { path: { projectId } };
    const scryptBefore = hashStats.scrypt;
    const seen = spyOnKeyDerivation();

    const login = await api.POST("/api/auth/{projectId}/login", { params, body: { email: user.email, password: PASSWORD } });
    expect(login.response.status).toBe(200);
    const refreshed = await api.POST("/api/auth/{projectId}/refresh", { params, body: { refreshToken: tokensOf(login.data!.data).refreshToken } });
    expect(refreshed.response.status).toBe(200);
    const changed = await bearer(user.accessToken).POST("/api/auth/{projectId}/me/password", {
      params,
      body: { currentPassword: PASSWORD, newPassword: "another long passphrase" },
    });
    expect(changed.response.status).toBe(200);

    expect(seen.filter((s) => s.name === "PBKDF2")).toEqual([]);
    // The spies see the Worker: the refresh seals its successor under a one-time HKDF key (src/crypto/box.ts).
    expect(seen.filter((s) => s.name === "HKDF").map((s) => s.method)).toEqual(["importKey", "deriveKey"]);
    // login verifies (1); the change verifies the current password and hashes the new one (2).
    expect(hashStats.scrypt - scryptBefore).toBe(3);
  });
});
