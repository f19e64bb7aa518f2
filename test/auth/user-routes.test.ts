// User routes declare their bearer requirement once (userRoute): the spec documents it, the Worker
// enforces it, and a token is verified once per request, rejected or not.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import spec from "../../openapi/openapi.json";
import { call, json } from "../helpers/client";
import { alteredToken, bearer, createProject, registerUser } from "../helpers/fixtures";

type Json = Record<string, any>;

let projectId: string;
beforeAll(async () => {
  projectId = await createProject();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const tamper = (jwt: string) => {
  const [header, payload, signature] = jwt.split(".");
  return `${header}.${payload}.${alteredToken(signature!)}`;
};

describe("user routes", () => {
  const secured = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([, op]) => (op as Json).security?.some((s: Json) => "bearerAuth" in s))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, oauthWire: (op as Json)["x-oauth-wire"] === true })),
  );

  it("documents a bearer requirement on the Auth API's user operations", () => {
    expect(secured.length).toBeGreaterThanOrEqual(6);
    expect(secured.every(({ path }) => path.startsWith("/api/auth/{projectId}/"))).toBe(true);
  });

  it.each(secured)("$method $path answers 401 UNAUTHORIZED (invalid_token on OAuth's wire) without a token", async ({ method, path, oauthWire }) => {
    const url = path.replace("{projectId}", projectId).replace(/\{[^}]+\}/g, "ses_x");
    const res = await call(url, {
      method,
      headers: method === "GET" || method === "DELETE" ? {} : { "Content-Type": "application/json" },
      body: method === "GET" || method === "DELETE" ? undefined : "{}",
    });
    expect(res.status).toBe(401);
    if (oauthWire) expect(await json(res)).toMatchObject({ error: "invalid_token" });
    else expect((await json(res)).code).toBe("UNAUTHORIZED");
  });

  it("verifies a rejected token's signature once", async () => {
    const user = await registerUser(projectId);
    const verify = vi.spyOn(crypto.subtle, "verify");
    const { response, error } = await bearer(tamper(user.accessToken)).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } });
    expect(response.status).toBe(401);
    expect(error).toMatchObject({ code: "INVALID_TOKEN" });
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it("verifies an accepted token's signature once", async () => {
    const user = await registerUser(projectId);
    const verify = vi.spyOn(crypto.subtle, "verify");
    const { response } = await bearer(user.accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } });
    expect(response.status).toBe(200);
    expect(verify).toHaveBeenCalledTimes(1);
  });
});
