// Shared setup of the OpenID Provider tests: clients written through the repo, a browser that
// holds a single sign-on cookie, PKCE pairs and form posts validated against the contract.
import { env } from "cloudflare:test";
import { createHash, randomBytes } from "node:crypto";
import { clientSecretHash } from "../../src/oidc/client-auth";
import { insertOAuthClient } from "../../src/db/oauth-clients.repo";
import { insertIdpSession } from "../../src/db/oidc.repo";
import { sha256Hex } from "../../src/crypto/random";
import { IDP_SESSION_ABSOLUTE_MS } from "../../src/config";
import { iso } from "../../src/lib/clock";
import { api, BASE_URL, call } from "../helpers/client";
import { PASSWORD, registerUser, tokensOf, uniqueId } from "../helpers/fixtures";

export const APP = "https://app.example.com/callback";
export const AFTER_LOGOUT = "https://app.example.com/bye";

export async function createOAuthClient(
  projectId: string,
  opts: { type?: "public" | "confidential"; firstParty?: boolean; redirectUris?: string[] } = {},
): Promise<{ clientId: string; secret: string | null }> {
  const clientId = uniqueId("cl");
  const secret = opts.type === "confidential" ? `cs_${randomBytes(32).toString("base64url")}` : null;
  await insertOAuthClient(env.DB, {
    clientId,
    projectId,
    name: "Example App",
    type: opts.type ?? "public",
    firstParty: opts.firstParty ?? true,
    redirectUris: opts.redirectUris ?? [APP],
    postLogoutRedirectUris: [AFTER_LOGOUT],
    secretHash: secret ? await clientSecretHash(secret) : null,
    at: iso(),
  }).run();
  return { clientId, secret };
}

export const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

/** A user signed in at the hosted page: its single sign-on cookie (as the hosted page's POST /hosted/session sets it). */
export async function signedInBrowser(projectId: string) {
  const user = await registerUser(projectId);
  const { data } = await api.POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email: user.email, password: PASSWORD } });
  const tokens = tokensOf(data!.data);
  const token = `sso_${randomBytes(32).toString("base64url")}`;
  const sessionId = (JSON.parse(atob(tokens.accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string }).sid;
  const at = Date.now();
  await env.DB.batch(
    insertIdpSession(env.DB, { tokenHash: await sha256Hex(token), projectId, sessionId, createdAt: iso(at), expiresAt: iso(at + IDP_SESSION_ABSOLUTE_MS) }),
  );
  return { user, sessionId, cookie: `__Host-edge_auth_sso_${projectId}=${token}` };
}

export const authorizeUrl = (projectId: string, params: Record<string, string>) =>
  `${BASE_URL}/api/auth/${projectId}/oauth2/authorize?${new URLSearchParams(params)}`;

/** GET the authorization endpoint (no redirects followed). */
export const authorize = (projectId: string, params: Record<string, string>, cookie?: string) =>
  call(authorizeUrl(projectId, params), { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });

/** A form POST to one of the provider's endpoints. */
export const form = (projectId: string, endpoint: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  call(`/api/auth/${projectId}/oauth2/${endpoint}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });

export const basic = (id: string, secret: string) => ({ Authorization: `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}` });

/** authorize with a signed-in browser → the code on the client's redirect. */
export async function codeFor(projectId: string, clientId: string, cookie: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const response = await authorize(
    projectId,
    {
      response_type: "code",
      client_id: clientId,
      redirect_uri: APP,
      scope: "openid email profile",
      state: "st-1",
      nonce: "n-1",
      code_challenge: challenge,
      code_challenge_method: "S256",
      ...extra,
    },
    cookie,
  );
  const location = new URL(response.headers.get("Location") ?? "about:blank");
  return { response, location, code: location.searchParams.get("code"), verifier };
}
