// The contract check itself must bite: an undocumented status or a body off its schema fails a test.
import { describe, expect, it } from "vitest";
import { ContractViolation, assertContract } from "../helpers/contract";

const json = (status: number, body: unknown, headers: Record<string, string> = { "X-Request-Id": "r1" }) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("assertContract", () => {
  it("accepts a documented status whose body matches the schema", async () => {
    const body = { success: true, data: { status: "ok", version: "0.1.0", time: "2026-01-01T00:00:00.000Z" } };
    await expect(assertContract("GET", "/health", json(200, body))).resolves.toBeUndefined();
  });

  it("rejects a status the operation does not document", async () => {
    await expect(assertContract("GET", "/health", json(418, { success: false, error: "teapot", code: "INTERNAL_ERROR" }))).rejects.toThrow(ContractViolation);
    await expect(assertContract("POST", "/api/auth/p/login", json(409, { success: false, error: "x", code: "CONFLICT" }))).rejects.toThrow(/not documented/);
  });

  it("rejects a body that breaks the documented schema", async () => {
    await expect(assertContract("GET", "/health", json(200, { success: true, data: { status: "ok" } }))).rejects.toThrow(/breaks the contract/);
    await expect(assertContract("POST", "/api/auth/p/login", json(401, { success: false, error: "x", code: "NOT_A_CODE" }))).rejects.toThrow(ContractViolation);
  });

  it("rejects a property the schema does not document, at any depth (strict validation)", async () => {
    const user = {
      id: "usr_1",
      email: "a@example.com",
      displayName: null,
      emailVerified: false,
      createdAt: "2026-01-01T00:00:00.000Z",
      metadata: {},
      appMetadata: {},
    };
    const tokens = { accessToken: "a", refreshToken: "r", tokenType: "Bearer", expiresIn: 900 };
    await expect(assertContract("POST", "/api/auth/p/login", json(200, { success: true, data: { ...tokens, user } }))).resolves.toBeUndefined();
    await expect(
      assertContract("POST", "/api/auth/p/login", json(200, { success: true, data: { ...tokens, user: { ...user, passwordHash: "scrypt$..." } } })),
    ).rejects.toThrow(/passwordHash|additional/i);
    await expect(assertContract("POST", "/api/auth/p/login", json(200, { success: true, data: { ...tokens, user }, debug: 1 }))).rejects.toThrow(
      ContractViolation,
    );
    await expect(
      assertContract("POST", "/api/auth/p/login", json(401, { success: false, error: "x", code: "INVALID_CREDENTIALS", stack: "at ..." })),
    ).rejects.toThrow(ContractViolation);
  });

  it("rejects a response without X-Request-Id, and a 2xx from an undocumented route", async () => {
    await expect(assertContract("GET", "/health", json(200, {}, {}))).rejects.toThrow(/X-Request-Id/);
    await expect(assertContract("GET", "/api/secret-route", json(200, { success: true, data: 1 }))).rejects.toThrow(/undocumented route/);
  });
});
