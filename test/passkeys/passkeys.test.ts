import { env } from "cloudflare:test";
import { decodeJwt } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { adminClient, ownerToken } from "../helpers/admin";
import { api, apiClient } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { bearer, createProject, PASSWORD, registerUser, tokensOf } from "../helpers/fixtures";
import { race } from "../helpers/race";
import { SoftAuthenticator } from "../helpers/webauthn";

const ORIGIN = "https://app.example.com";
const WEBAUTHN = { rpId: "example.com", rpName: "Example", origins: [ORIGIN] };

type Client = ReturnType<typeof adminClient>;
let owner: Client;
beforeAll(async () => {
  owner = adminClient(await ownerToken());
});
afterEach(() => {
  vi.useRealTimers();
});

const inProject = (projectId: string) => ({ params: { path: { projectId } } });

async function passkeyProject(settings: Record<string, unknown> | null = WEBAUTHN, extra: Record<string, unknown> = {}) {
  const projectId = await createProject();
  const patched = await owner.PATCH("/api/admin/projects/{projectId}", { ...inProject(projectId), body: { webauthn: settings, ...extra } as never });
  expect(patched.response.status).toBe(200);
  return projectId;
}

const registerOptions = (projectId: string, accessToken: string) =>
  bearer(accessToken).POST("/api/auth/{projectId}/passkeys/register/options", inProject(projectId));
const registerVerify = (projectId: string, accessToken: string, response: unknown, name?: string) =>
  bearer(accessToken).POST("/api/auth/{projectId}/passkeys/register/verify", { ...inProject(projectId), body: { response: response as never, name } });
const loginOptions = (projectId: string, client = api) => client.POST("/api/auth/{projectId}/passkeys/login/options", inProject(projectId));
const loginVerify = (projectId: string, challengeId: string, response: unknown, client = api) =>
  client.POST("/api/auth/{projectId}/passkeys/login/verify", { ...inProject(projectId), body: { challengeId, response: response as never } });

/** A user with a registered passkey on `authenticator`. */
async function userWithPasskey(projectId: string, authenticator = new SoftAuthenticator(ORIGIN)) {
  const user = await registerUser(projectId);
  const options = await registerOptions(projectId, user.accessToken);
  expect(options.response.status).toBe(200);
  const created = await registerVerify(projectId, user.accessToken, await authenticator.create(options.data!.data), "Laptop");
  expect(created.response.status, JSON.stringify(created.error)).toBe(201);
  return { user, authenticator, passkey: created.data!.data };
}

async function signIn(projectId: string, authenticator: SoftAuthenticator, overrides = {}) {
  const options = await loginOptions(projectId);
  expect(options.response.status).toBe(200);
  const { challengeId } = options.data!.data;
  return loginVerify(projectId, challengeId, await authenticator.get(options.data!.data.options, overrides));
}

const auditTypes = async (projectId: string) =>
  (
    await env.DB.prepare(`SELECT type, outcome, details FROM audit_log WHERE project_id = ? AND type LIKE 'auth.passkey.%' ORDER BY rowid`)
      .bind(projectId)
      .all<{ type: string; outcome: string; details: string }>()
  ).results.map((r) => ({ type: r.type, outcome: r.outcome, reason: (JSON.parse(r.details) as { reason?: string }).reason }));

describe("passkey registration", () => {
  it("offers discoverable, user-verifying creation options with an opaque user handle and the user's passkeys excluded", async () => {
    const projectId = await passkeyProject();
    const { user, passkey } = await userWithPasskey(projectId);
    const { data } = await registerOptions(projectId, user.accessToken);
    const options = data!.data;
    expect(options.rp).toEqual({ id: "example.com", name: "Example" });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.attestation).toBe("none");
    expect(options.user.name).toBe(user.email);
    expect(options.user.id).not.toContain(user.user.id);
    expect(atob(options.user.id.replace(/-/g, "+").replace(/_/g, "/"))).not.toContain(user.user.id);
    expect(options.excludeCredentials).toHaveLength(1);
    expect(passkey).toMatchObject({ name: "Laptop", lastUsedAt: null, deviceType: "singleDevice", backedUp: false, transports: ["internal"] });
    expect(await auditTypes(projectId)).toEqual([{ type: "auth.passkey.registered", outcome: "success", reason: undefined }]);
  });

  it("answers 403 METHOD_DISABLED on every ceremony while the project has no webauthn settings", async () => {
    const projectId = await passkeyProject(null);
    const user = await registerUser(projectId);
    for (const r of [await registerOptions(projectId, user.accessToken), await loginOptions(projectId)]) {
      expect(r.response.status).toBe(403);
      expect(r.error!.code).toBe("METHOD_DISABLED");
    }
  });

  it("refuses a response from an origin the project does not list, and one for another rpId", async () => {
    const projectId = await passkeyProject();
    const user = await registerUser(projectId);
    const authenticator = new SoftAuthenticator(ORIGIN);
    for (const overrides of [{ origin: "https://evil.example.net" }, { rpId: "evil.example.net" }]) {
      const options = await registerOptions(projectId, user.accessToken);
      const refused = await registerVerify(projectId, user.accessToken, await authenticator.create(options.data!.data, overrides));
      expect(refused.response.status, JSON.stringify(overrides)).toBe(400);
      expect(refused.error!.code).toBe("VALIDATION_ERROR");
    }
    expect((await bearer(user.accessToken).GET("/api/auth/{projectId}/passkeys", inProject(projectId))).data!.data).toEqual([]);
  });

  it("spends the challenge once: a replayed response fails, and of two parallel verifies exactly one succeeds", async () => {
    const projectId = await passkeyProject();
    const user = await registerUser(projectId);
    const authenticator = new SoftAuthenticator(ORIGIN);
    const options = (await registerOptions(projectId, user.accessToken)).data!.data;
    const first = await authenticator.create(options);
    const second = await authenticator.create(options); // another credential, same challenge
    const { results, maxInFlight } = await race([
      () => registerVerify(projectId, user.accessToken, first),
      () => registerVerify(projectId, user.accessToken, second),
    ]);
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.response.status).sort()).toEqual([201, 400]);
    const replay = await registerVerify(projectId, user.accessToken, first);
    expect(replay.response.status).toBe(400);
  });

  it("refuses an expired challenge (5 minutes)", async () => {
    const projectId = await passkeyProject();
    const user = await registerUser(projectId);
    const clock = fakeClock();
    const options = (await registerOptions(projectId, user.accessToken)).data!.data;
    const response = await new SoftAuthenticator(ORIGIN).create(options);
    clock.tick(5 * 60_000 + 1);
    expect((await registerVerify(projectId, user.accessToken, response)).response.status).toBe(400);
  });

  it("answers 409 for a credential already registered", async () => {
    const projectId = await passkeyProject();
    const { user, authenticator } = await userWithPasskey(projectId);
    const options = (await registerOptions(projectId, user.accessToken)).data!.data;
    // The same credential id again (an authenticator that ignored excludeCredentials).
    const created = await registerVerify(
      projectId,
      user.accessToken,
      await authenticator.create({ ...options, excludeCredentials: [] }, { credentialId: authenticator.credentials[0]!.id }),
    );
    expect(created.response.status).toBe(409);
    expect(created.error!.code).toBe("CONFLICT");
  });

  it("is open to a session restricted to enrolling (mfa: required), and its next token after a refresh is unrestricted", async () => {
    const projectId = await passkeyProject(WEBAUTHN, { mfa: "required" });
    const u = await registerUser(projectId);
    const session = tokensOf(
      (await api.POST("/api/auth/{projectId}/login", { ...inProject(projectId), body: { email: u.email, password: PASSWORD } })).data!.data,
    );
    expect(decodeJwt(session.accessToken).restricted).toBe("mfa_enrollment");
    const options = await registerOptions(projectId, session.accessToken);
    expect(options.response.status).toBe(200);
    const created = await registerVerify(projectId, session.accessToken, await new SoftAuthenticator(ORIGIN).create(options.data!.data));
    expect(created.response.status).toBe(201);
    expect((await bearer(session.accessToken).GET("/api/auth/{projectId}/passkeys", inProject(projectId))).data!.data).toHaveLength(1);
    const next = await api.POST("/api/auth/{projectId}/refresh", { ...inProject(projectId), body: { refreshToken: session.refreshToken } });
    const claims = decodeJwt(next.data!.data.accessToken);
    expect(claims.amr).toEqual(["pwd", "webauthn"]);
    expect(claims).not.toHaveProperty("restricted");
  });
});

describe("passkey sign-in", () => {
  it("signs in with no email: tokens with amr ['webauthn'], the passkey's counter and last use recorded", async () => {
    const projectId = await passkeyProject();
    const { user, authenticator } = await userWithPasskey(projectId);
    const options = (await loginOptions(projectId)).data!.data;
    expect(options.options).not.toHaveProperty("allowCredentials");
    expect(options.options).toMatchObject({ rpId: "example.com", userVerification: "required" });
    const signedIn = await loginVerify(projectId, options.challengeId, await authenticator.get(options.options));
    expect(signedIn.response.status).toBe(200);
    const tokens = tokensOf(signedIn.data!.data);
    expect(tokens.user.id).toBe(user.user.id);
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ sub: user.user.id, amr: ["webauthn"] });
    const [listed] = (await bearer(tokens.accessToken).GET("/api/auth/{projectId}/passkeys", inProject(projectId))).data!.data;
    expect(listed!.lastUsedAt).not.toBeNull();
    expect((await env.DB.prepare(`SELECT counter FROM passkeys WHERE project_id = ?`).bind(projectId).first<{ counter: number }>())!.counter).toBe(1);
    expect((await auditTypes(projectId)).at(-1)).toEqual({ type: "auth.passkey.login", outcome: "success", reason: undefined });
  });

  it("answers the same 401 for an unknown passkey and a bad signature", async () => {
    const projectId = await passkeyProject();
    const { authenticator } = await userWithPasskey(projectId);
    const stranger = new SoftAuthenticator(ORIGIN);
    await stranger.create({ challenge: "AAAA", rp: { id: "example.com", name: "x" }, user: { id: "AAAA", name: "x", displayName: "x" } });
    const unknown = await signIn(projectId, stranger);
    const options = (await loginOptions(projectId)).data!.data;
    const forged = await authenticator.get(options.options);
    forged.response.signature = (await authenticator.get(options.options)).response.signature.replace(/^.{8}/, "MEUCIQCA");
    const bad = await loginVerify(projectId, options.challengeId, forged);
    for (const r of [unknown, bad]) {
      expect(r.response.status).toBe(401);
      expect(r.error).toEqual(unknown.error);
      expect(r.error!.code).toBe("INVALID_CREDENTIALS");
    }
  });

  it("refuses a wrong origin and a wrong rpId", async () => {
    const projectId = await passkeyProject();
    const { authenticator } = await userWithPasskey(projectId);
    expect((await signIn(projectId, authenticator, { origin: "https://evil.example.net" })).response.status).toBe(401);
    expect((await signIn(projectId, authenticator, { rpId: "evil.example.net" })).response.status).toBe(401);
    expect((await signIn(projectId, authenticator)).response.status).toBe(200);
  });

  it("spends a challenge once: replay refused, two parallel verifies → exactly one session", async () => {
    const projectId = await passkeyProject();
    const { authenticator } = await userWithPasskey(projectId);
    const options = (await loginOptions(projectId)).data!.data;
    const response = await authenticator.get(options.options);
    const again = await authenticator.get(options.options, { counter: authenticator.credentials[0]!.counter + 1 });
    const { results, maxInFlight } = await race([
      () => loginVerify(projectId, options.challengeId, response),
      () => loginVerify(projectId, options.challengeId, again),
    ]);
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401]);
    expect((await loginVerify(projectId, options.challengeId, response)).response.status).toBe(401);
  });

  it("refuses an expired challenge", async () => {
    const projectId = await passkeyProject();
    const { authenticator } = await userWithPasskey(projectId);
    const clock = fakeClock();
    const options = (await loginOptions(projectId)).data!.data;
    clock.tick(5 * 60_000 + 1);
    expect((await loginVerify(projectId, options.challengeId, await authenticator.get(options.options))).response.status).toBe(401);
  });

  it("refuses a signature counter that went backwards (a cloned authenticator), audited as blocked", async () => {
    const projectId = await passkeyProject();
    const { authenticator } = await userWithPasskey(projectId);
    expect((await signIn(projectId, authenticator, { counter: 5 })).response.status).toBe(200);
    const cloned = await signIn(projectId, authenticator, { counter: 3 });
    expect(cloned.response.status).toBe(401);
    expect(cloned.error!.code).toBe("INVALID_CREDENTIALS");
    expect(await signIn(projectId, authenticator, { counter: 5 }).then((r) => r.response.status)).toBe(401);
    expect((await auditTypes(projectId)).filter((a) => a.reason === "counter_regression")).toEqual([
      { type: "auth.passkey.login", outcome: "blocked", reason: "counter_regression" },
      { type: "auth.passkey.login", outcome: "blocked", reason: "counter_regression" },
    ]);
    expect((await signIn(projectId, authenticator, { counter: 6 })).response.status).toBe(200);
  });

  it("lets only one of two parallel sign-ins with the same counter value through (the counter is guarded in the session's batch)", async () => {
    const projectId = await passkeyProject();
    const { authenticator } = await userWithPasskey(projectId);
    const [one, two] = [(await loginOptions(projectId)).data!.data, (await loginOptions(projectId)).data!.data];
    const first = await authenticator.get(one.options, { counter: 7 });
    const second = await authenticator.get(two.options, { counter: 7 });
    const { results, maxInFlight } = await race([() => loginVerify(projectId, one.challengeId, first), () => loginVerify(projectId, two.challengeId, second)]);
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 401]);
    const sessions = await env.DB.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE project_id = ? AND amr = '["webauthn"]'`)
      .bind(projectId)
      .first<{ n: number }>();
    expect(sessions!.n).toBe(1);
  });

  it("keeps accepting an authenticator whose counter stays 0 (synced passkeys keep none)", async () => {
    const projectId = await passkeyProject();
    const { authenticator } = await userWithPasskey(projectId);
    expect((await signIn(projectId, authenticator, { counter: 0 })).response.status).toBe(200);
    expect((await signIn(projectId, authenticator, { counter: 0 })).response.status).toBe(200);
  });

  it("does not let a passkey of project A sign in to project B, even with B's identical settings", async () => {
    const a = await passkeyProject();
    const b = await passkeyProject();
    const { authenticator } = await userWithPasskey(a);
    const refused = await signIn(b, authenticator);
    expect(refused.response.status).toBe(401);
    expect(refused.error!.code).toBe("INVALID_CREDENTIALS");
    // A's challenge is not B's either.
    const optionsA = (await loginOptions(a)).data!.data;
    expect((await loginVerify(b, optionsA.challengeId, await authenticator.get(optionsA.options))).response.status).toBe(401);
  });

  it("refuses a disabled user's passkey with 403 USER_DISABLED", async () => {
    const projectId = await passkeyProject();
    const { user, authenticator } = await userWithPasskey(projectId);
    await env.DB.prepare(`UPDATE users SET disabled = 1 WHERE id = ?`).bind(user.user.id).run();
    const refused = await signIn(projectId, authenticator);
    expect(refused.response.status).toBe(403);
    expect(refused.error!.code).toBe("USER_DISABLED");
  });

  it("counts failed sign-ins per IP (passkey_login.ip) and login options per IP (passkey_options.ip)", async () => {
    const projectId = await passkeyProject(WEBAUTHN, {
      rateLimits: {
        "passkey_login.ip": { kind: "window", limit: 2, windowSeconds: 900 },
        "passkey_options.ip": { kind: "window", limit: 4, windowSeconds: 600 },
      },
    });
    const client = apiClient({ "CF-Connecting-IP": "198.51.100.7" });
    const options = (await loginOptions(projectId, client)).data!.data;
    const bogus = {
      id: "AAAA",
      rawId: "AAAA",
      type: "public-key",
      clientExtensionResults: {},
      response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" },
    };
    expect((await loginVerify(projectId, options.challengeId, bogus, client)).response.status).toBe(401);
    expect((await loginVerify(projectId, "wch_unknown", bogus, client)).response.status).toBe(401);
    const blocked = await loginVerify(projectId, "wch_unknown", bogus, client);
    expect(blocked.response.status).toBe(429);
    expect(blocked.response.headers.get("Retry-After")).toBeTruthy();
    for (let i = 0; i < 3; i++) expect((await loginOptions(projectId, client)).response.status).toBe(200);
    expect((await loginOptions(projectId, client)).response.status).toBe(429);
  });
});

describe("managing passkeys", () => {
  it("lists, renames and removes only the user's own passkeys (404 for another's), audited", async () => {
    const projectId = await passkeyProject();
    const { user, passkey, authenticator } = await userWithPasskey(projectId);
    const other = await registerUser(projectId);
    const me = bearer(user.accessToken);
    const them = bearer(other.accessToken);
    const path = { params: { path: { projectId, passkeyId: passkey.id } } };
    expect((await them.GET("/api/auth/{projectId}/passkeys", inProject(projectId))).data!.data).toEqual([]);
    expect((await them.PATCH("/api/auth/{projectId}/passkeys/{passkeyId}", { ...path, body: { name: "Mine now" } })).response.status).toBe(404);
    expect((await them.DELETE("/api/auth/{projectId}/passkeys/{passkeyId}", path)).response.status).toBe(404);
    const renamed = await me.PATCH("/api/auth/{projectId}/passkeys/{passkeyId}", { ...path, body: { name: "  Work laptop " } });
    expect(renamed.data!.data).toMatchObject({ id: passkey.id, name: "Work laptop" });
    expect((await me.GET("/api/auth/{projectId}/passkeys", inProject(projectId))).data!.data.map((p) => p.name)).toEqual(["Work laptop"]);
    expect((await me.DELETE("/api/auth/{projectId}/passkeys/{passkeyId}", path)).data!.data).toEqual({ removed: true });
    expect((await me.DELETE("/api/auth/{projectId}/passkeys/{passkeyId}", path)).response.status).toBe(404);
    expect((await signIn(projectId, authenticator)).response.status).toBe(401);
    expect((await auditTypes(projectId)).map((a) => `${a.type}:${a.outcome}`)).toEqual([
      "auth.passkey.registered:success",
      "auth.passkey.renamed:success",
      "auth.passkey.removed:success",
      "auth.passkey.login:failure",
    ]);
  });
});
