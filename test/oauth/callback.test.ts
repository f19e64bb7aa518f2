import { env } from "cloudflare:test";
import { generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { OAuthCodeRow } from "../../src/db/oauth.repo";
import { bearer, registerUser, uniqueId } from "../helpers/fixtures";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  StubProvider,
  addRoute,
  formOf,
  appRedirect,
  authorize,
  callback,
  exchange,
  installFetchStub,
  projectWithProvider,
  signIn,
} from "./stub-provider";

beforeAll(() => {
  installFetchStub();
});

const count = (table: string, projectId: string) =>
  env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE project_id = ?`).bind(projectId).first<number>("n");
const lastCallbackAudit = (projectId: string) =>
  env.DB.prepare(`SELECT * FROM audit_log WHERE project_id = ? AND type = 'auth.oauth.callback' ORDER BY created_at DESC, rowid DESC LIMIT 1`)
    .bind(projectId)
    .first<{ outcome: string; details: string; actor_id: string | null }>();

/** A fresh provider and project, and a sign-in that has reached the provider (state issued). */
async function started(login?: StubProvider["login"]) {
  const stub = new StubProvider();
  if (login !== undefined) stub.login = login;
  const { projectId, owner } = await projectWithProvider(stub);
  const { verifier } = await authorize(stub, projectId);
  return { stub, projectId, owner, verifier, state: stub.authorize!.get("state")! };
}

/** The callback's failure redirect: error parameters, nothing written for the user, the audit reason. */
async function expectFailure(response: Response, projectId: string, error: string, reason: string) {
  const params = appRedirect(response);
  expect(params.get("error")).toBe(error);
  expect(params.get("error_description")).toBeTruthy();
  expect(params.get("state")).toBe("app-state-1");
  expect(params.get("code")).toBeNull();
  expect(await count("oauth_codes", projectId)).toBe(0);
  expect(await count("user_identities", projectId)).toBe(0);
  const audit = await lastCallbackAudit(projectId);
  expect(audit).toMatchObject({ outcome: "failure" });
  expect(JSON.parse(audit!.details)).toMatchObject({ reason, error });
  return params;
}

describe("GET /api/auth/:projectId/oauth/:provider/callback", () => {
  it("exchanges the code with our PKCE verifier and client secret, creates the user and redirects with a one-time code", async () => {
    const { stub, projectId, verifier, state } = await started({ sub: "alice-sub", email: "Alice@Example.com", email_verified: true, name: "Alice" });
    const response = await callback(projectId, { code: "provider-code", state, iss: stub.issuer });
    const params = appRedirect(response);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(params.get("code")).toMatch(/^oc_[\w-]{43}$/);
    expect(params.get("state")).toBe("app-state-1");
    expect([...params.keys()].sort()).toEqual(["code", "state"]);

    const [request] = stub.tokenRequests;
    expect(Object.fromEntries(request!.form)).toMatchObject({
      grant_type: "authorization_code",
      code: "provider-code",
      redirect_uri: `http://auth.test/api/auth/${projectId}/oauth/corp/callback`,
    });
    expect(request!.authorization).toBe(`Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}`);

    const user = await env.DB.prepare(`SELECT * FROM users WHERE project_id = ?`).bind(projectId).first<Record<string, unknown>>();
    expect(user).toMatchObject({
      email: "Alice@Example.com",
      email_normalized: "alice@example.com",
      display_name: "Alice",
      email_verified: 1,
      password_hash: null,
    });
    expect(await env.DB.prepare(`SELECT * FROM user_identities WHERE project_id = ?`).bind(projectId).first()).toMatchObject({
      issuer: stub.issuer,
      subject: "alice-sub",
      provider: "corp",
      user_id: user!.id,
    });
    // The code is stored hashed, bound to the app's challenge, for 60 seconds.
    const code = await env.DB.prepare(`SELECT * FROM oauth_codes WHERE project_id = ?`).bind(projectId).first<OAuthCodeRow>();
    expect(JSON.stringify(code)).not.toContain(params.get("code")!);
    expect(Date.parse(code!.expires_at) - Date.parse(code!.created_at)).toBe(60_000);
    const audit = await lastCallbackAudit(projectId);
    expect(audit).toMatchObject({ outcome: "success", actor_id: user!.id });
    expect(JSON.parse(audit!.details)).toEqual({ provider: "corp", action: "created" });

    const token = await exchange(projectId, params.get("code")!, verifier);
    expect(token.status).toBe(200);
    const body = (await token.json()) as { data: { accessToken: string; user: { id: string; emailVerified: boolean } } };
    expect(body.data.user).toMatchObject({ id: user!.id, emailVerified: true });
    const me = await bearer(body.data.accessToken).GET("/api/auth/{projectId}/me", { params: { path: { projectId } } });
    expect(me.data!.data.email).toBe("Alice@Example.com");
  });

  it("signs the same provider account in to the same user later, matched by subject rather than email", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    stub.login = { sub: "bob-sub", email: "bob@example.com", email_verified: true };
    await signIn(stub, projectId);
    stub.login = { sub: "bob-sub", email: "bob.new@example.com", email_verified: true };
    const { params } = await signIn(stub, projectId);
    expect(params.get("code")).toBeTruthy();
    expect(await count("users", projectId)).toBe(1);
    expect(JSON.parse((await lastCallbackAudit(projectId))!.details).action).toBe("login");
  });

  it("reads the email from userinfo when the ID token has none", async () => {
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    stub.login = { sub: "carol-sub", email: "carol@example.com", email_verified: true, claims: { email: undefined, email_verified: undefined } };
    await signIn(stub, projectId);
    expect(await env.DB.prepare(`SELECT email FROM users WHERE project_id = ?`).bind(projectId).first<string>("email")).toBe("carol@example.com");
  });

  describe("linking to an existing account with the same email", () => {
    it("links when the provider verified the email and the account's own email is verified", async () => {
      const stub = new StubProvider();
      const { projectId } = await projectWithProvider(stub);
      const existing = await registerUser(projectId);
      await env.DB.prepare(`UPDATE users SET email_verified = 1 WHERE id = ?`).bind(existing.user.id).run();
      stub.login = { sub: "dave-sub", email: existing.email.toUpperCase(), email_verified: true };
      const { params, verifier } = await signIn(stub, projectId);
      const token = (await (await exchange(projectId, params.get("code")!, verifier)).json()) as { data: { user: { id: string } } };
      expect(token.data.user.id).toBe(existing.user.id);
      expect(JSON.parse((await lastCallbackAudit(projectId))!.details).action).toBe("linked");
    });

    it("refuses with account_exists_unverified when the provider does not vouch for the email", async () => {
      const { stub, projectId, state } = await started();
      const existing = await registerUser(projectId);
      await env.DB.prepare(`UPDATE users SET email_verified = 1 WHERE id = ?`).bind(existing.user.id).run();
      stub.login = { sub: "eve-sub", email: existing.email, email_verified: false };
      await expectFailure(await callback(projectId, { code: "c", state }), projectId, "account_exists_unverified", "provider_email_unverified");
    });

    it("refuses when the existing account has a password but an unverified email (pre-registration hijack)", async () => {
      const { stub, projectId, state } = await started();
      const existing = await registerUser(projectId);
      stub.login = { sub: "frank-sub", email: existing.email, email_verified: true };
      await expectFailure(await callback(projectId, { code: "c", state }), projectId, "account_exists_unverified", "local_email_unverified");
    });
  });

  describe("ID token verification", () => {
    const cases: [string, (stub: StubProvider) => Promise<void> | void, string][] = [
      [
        "a wrong nonce",
        (stub) => {
          stub.login!.claims = { nonce: "n_not-the-one-we-sent" };
        },
        "nonce_mismatch",
      ],
      [
        "no nonce",
        (stub) => {
          stub.login!.claims = { nonce: undefined };
        },
        "nonce_mismatch",
      ],
      [
        "another audience",
        (stub) => {
          stub.login!.claims = { aud: "someone-else" };
        },
        "id_token_aud",
      ],
      [
        "another issuer",
        (stub) => {
          stub.login!.claims = { iss: "https://evil.test" };
        },
        "id_token_iss",
      ],
      [
        "an expired token",
        (stub) => {
          stub.login!.claims = { exp: Math.floor(Date.now() / 1000) - 3600 };
        },
        "id_token_expired",
      ],
      [
        "a key not in the provider's JWKS",
        async (stub) => {
          stub.signWith = (await generateKeyPair("ES256")).privateKey;
        },
        "id_token_signature",
      ],
    ];
    it.each(cases)("rejects %s with error=invalid_id_token and writes no user", async (_name, tamper, reason) => {
      const { stub, projectId, state } = await started();
      await tamper(stub);
      await expectFailure(await callback(projectId, { code: "c", state }), projectId, "invalid_id_token", reason);
      expect(await count("users", projectId)).toBe(0);
    });

    it("rejects an unsigned (alg none) token", async () => {
      const { stub, projectId, state } = await started();
      const payload = btoa(
        JSON.stringify({ iss: stub.issuer, aud: CLIENT_ID, sub: "x", nonce: stub.authorize!.get("nonce"), iat: 1, exp: 9999999999 }),
      ).replace(/=+$/, "");
      stub.idToken = async () => `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${payload}.`;
      await expectFailure(await callback(projectId, { code: "c", state }), projectId, "invalid_id_token", "id_token_alg");
    });
  });

  describe("state", () => {
    it("answers 400 JSON for a missing or unknown state (no trusted redirect target)", async () => {
      const { projectId } = await started();
      for (const params of [{ code: "c" }, { code: "c", state: "st_forged" }] as Record<string, string>[]) {
        const response = await callback(projectId, params);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
      }
    });

    it("is bound to its project and provider", async () => {
      const { stub, state } = await started();
      const other = await projectWithProvider(stub);
      expect((await callback(other.projectId, { code: "c", state })).status).toBe(400);
    });

    it("is single use: a replayed callback redirects with error=invalid_request and issues nothing", async () => {
      const { projectId, state } = await started();
      appRedirect(await callback(projectId, { code: "c", state }));
      const replay = appRedirect(await callback(projectId, { code: "c", state }));
      expect(replay.get("error")).toBe("invalid_request");
      expect(await count("oauth_codes", projectId)).toBe(1);
      expect(JSON.parse((await lastCallbackAudit(projectId))!.details).reason).toBe("state_replayed");
    });

    it("expires after 10 minutes", async () => {
      const { projectId, state } = await started();
      await env.DB.prepare(`UPDATE oauth_states SET expires_at = ? WHERE project_id = ?`)
        .bind(new Date(Date.now() - 1000).toISOString(), projectId)
        .run();
      await expectFailure(await callback(projectId, { code: "c", state }), projectId, "invalid_request", "state_expired");
    });

    it("answers 400 JSON when the redirect URI was removed from the allow-list meanwhile", async () => {
      const { projectId, state } = await started();
      await env.DB.prepare(`UPDATE projects SET redirect_urls = '[]' WHERE id = ?`).bind(projectId).run();
      const response = await callback(projectId, { code: "c", state });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    });
  });

  describe("provider failures", () => {
    it("passes a provider's access_denied on to the app", async () => {
      const { projectId, state } = await started();
      const params = await expectFailure(
        await callback(projectId, { error: "access_denied", error_description: "User cancelled", state }),
        projectId,
        "access_denied",
        "provider_error",
      );
      expect(params.get("error_description")).toContain("User cancelled");
    });

    it("answers error=temporarily_unavailable when the provider is down, writing nothing", async () => {
      const { stub, projectId, state } = await started();
      stub.login = null;
      await expectFailure(await callback(projectId, { code: "c", state }), projectId, "temporarily_unavailable", "provider_unavailable");
      expect(await count("users", projectId)).toBe(0);
    });

    it("answers error=temporarily_unavailable for a 5xx and error=invalid_grant for a refused code", async () => {
      const first = await started();
      first.stub.tokenStatus = 503;
      await expectFailure(
        await callback(first.projectId, { code: "c", state: first.state }),
        first.projectId,
        "temporarily_unavailable",
        "provider_unavailable",
      );
      const second = await started();
      second.stub.tokenStatus = 400;
      await expectFailure(await callback(second.projectId, { code: "c", state: second.state }), second.projectId, "invalid_grant", "code_exchange_refused");
    });

    it("rejects a response naming another issuer (RFC 9207 iss)", async () => {
      const { projectId, state } = await started();
      await expectFailure(await callback(projectId, { code: "c", state, iss: "https://evil.test" }), projectId, "invalid_request", "iss_mismatch");
    });

    it("answers error=invalid_request when the provider was disabled after authorize", async () => {
      const { projectId, owner, state, stub } = await started();
      await owner.PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
        params: { path: { projectId, provider: "corp" } },
        body: { type: "oidc", clientId: CLIENT_ID, issuer: stub.issuer, enabled: false },
      });
      await expectFailure(await callback(projectId, { code: "c", state }), projectId, "invalid_request", "provider_gone");
    });
  });
});

describe("GitHub sign-in (no ID token: user API and verified primary email)", () => {
  let emails: { email: string; primary: boolean; verified: boolean }[] = [];
  const tokens: string[] = [];
  beforeAll(() => {
    addRoute(async (request) => {
      const url = new URL(request.url);
      if (url.href === "https://github.com/login/oauth/access_token") {
        const form = await formOf(request);
        tokens.push(form.get("client_secret") ?? "");
        return Response.json(
          form.get("code") === "bad" ? { error: "bad_verification_code" } : { access_token: "gho_token", token_type: "bearer", scope: "read:user,user:email" },
        );
      }
      if (url.href === "https://api.github.com/user") return Response.json({ id: 4242, login: "octocat", name: null });
      if (url.href === "https://api.github.com/user/emails") return Response.json(emails);
      return undefined;
    });
  });

  async function githubProject() {
    const stub = new StubProvider();
    const { projectId, owner } = await projectWithProvider(stub);
    await owner.PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
      params: { path: { projectId, provider: "github" } },
      body: { type: "github", clientId: "gh-client", clientSecret: "gh-secret" },
    });
    const { verifier } = await authorize(stub, projectId, { slug: "github" });
    expect(stub.authorize!.get("nonce")).toBeNull();
    return { projectId, verifier, state: stub.authorize!.get("state")! };
  }

  it("signs in with the verified primary email and links by GitHub account id", async () => {
    const email = `${uniqueId("octo")}@example.com`;
    emails = [
      { email: "other@example.com", primary: false, verified: true },
      { email, primary: true, verified: true },
    ];
    const { projectId, verifier, state } = await githubProject();
    const params = appRedirect(await callback(projectId, { code: "gh-code", state }, "github"));
    expect(tokens.at(-1)).toBe("gh-secret");
    const token = (await (await exchange(projectId, params.get("code")!, verifier)).json()) as { data: { user: { email: string; displayName: string } } };
    expect(token.data.user).toMatchObject({ email, displayName: "octocat" });
    expect(await env.DB.prepare(`SELECT issuer, subject FROM user_identities WHERE project_id = ?`).bind(projectId).first()).toEqual({
      issuer: "https://github.com",
      subject: "4242",
    });
  });

  it("reports GitHub's refusal of a code (200 with error) as invalid_grant", async () => {
    const { projectId, state } = await githubProject();
    const params = appRedirect(await callback(projectId, { code: "bad", state }, "github"));
    expect(params.get("error")).toBe("invalid_grant");
  });

  it("does not link an unverified primary email to an existing account", async () => {
    const { projectId, state } = await githubProject();
    const existing = await registerUser(projectId);
    emails = [{ email: existing.email, primary: true, verified: false }];
    const params = appRedirect(await callback(projectId, { code: "gh-code", state }, "github"));
    expect(params.get("error")).toBe("account_exists_unverified");
  });

  it("answers error=email_required without a primary email", async () => {
    const { projectId, state } = await githubProject();
    emails = [];
    expect(appRedirect(await callback(projectId, { code: "gh-code", state }, "github")).get("error")).toBe("email_required");
  });
});
