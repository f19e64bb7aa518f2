// The provider side of the callback: trade the code for tokens and learn who signed in.
import type { OAuthProviderRow } from "../db/oauth.repo";
import { OAuthFlowError, unavailable } from "./errors";
import { verifyIdToken } from "./id-token";
import { usesIdToken } from "./presets";
import { jsonOf, upstreamFetch } from "./upstream";

export interface Profile {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

export interface Exchange {
  code: string;
  /** Our callback URL, the redirect_uri sent to the authorization endpoint. */
  redirectUri: string;
  verifier: string;
  clientSecret: string | null;
  nonceHash: string;
}

// Client credentials in HTTP Basic are form-encoded first (RFC 6749 §2.3.1).
const formEncode = (text: string) => encodeURIComponent(text).replace(/%20/g, "+");

async function tokenRequest(p: OAuthProviderRow, x: Exchange): Promise<Record<string, unknown>> {
  const form = new URLSearchParams({ grant_type: "authorization_code", code: x.code, redirect_uri: x.redirectUri, code_verifier: x.verifier });
  const headers: Record<string, string> = { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" };
  if (p.token_auth_method === "client_secret_basic" && x.clientSecret) {
    headers.Authorization = `Basic ${btoa(`${formEncode(p.client_id)}:${formEncode(x.clientSecret)}`)}`;
  } else {
    form.set("client_id", p.client_id);
    if (p.token_auth_method === "client_secret_post" && x.clientSecret) form.set("client_secret", x.clientSecret);
  }
  const response = await upstreamFetch("token endpoint", p.token_url, { method: "POST", headers, body: form });
  if (response.status >= 500) throw unavailable("token endpoint", `HTTP ${response.status}`);
  const body = await jsonOf(response);
  // GitHub reports a bad code as 200 with an `error` field.
  if (!response.ok || !body || body.error) {
    const code = typeof body?.error === "string" ? body.error.slice(0, 64) : `HTTP ${response.status}`;
    throw new OAuthFlowError("invalid_grant", `The identity provider refused the authorization code (${code})`, "code_exchange_refused");
  }
  if (typeof body.access_token !== "string")
    throw new OAuthFlowError("server_error", "The identity provider's token response has no access_token", "token_response_invalid");
  return body;
}

async function apiGet(what: string, url: string, accessToken: string): Promise<unknown> {
  const response = await upstreamFetch(what, url, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json", "User-Agent": "edge-auth" },
  });
  if (response.status >= 500) throw unavailable(what, `HTTP ${response.status}`);
  if (!response.ok) throw new OAuthFlowError("server_error", `The identity provider's ${what} answered HTTP ${response.status}`, "profile_fetch_failed");
  return response.json().catch(() => null);
}

const str = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value.slice(0, 320) : null);
const emailOf = (value: unknown): string | null => (typeof value === "string" && value.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(value) ? value : null);
// Some providers send email_verified as the string "true".
const isTrue = (value: unknown) => value === true || value === "true";

async function oidcProfile(p: OAuthProviderRow, tokens: Record<string, unknown>, nonceHash: string): Promise<Profile> {
  if (typeof tokens.id_token !== "string") throw new OAuthFlowError("invalid_id_token", "The identity provider returned no ID token", "id_token_missing");
  const claims = await verifyIdToken(tokens.id_token, { jwksUri: p.jwks_uri!, issuer: p.issuer, clientId: p.client_id, nonceHash });
  let source: Record<string, unknown> = claims;
  // Providers may keep email claims out of the ID token and serve them from userinfo (OIDC Core §5.4).
  if (!emailOf(claims.email) && p.userinfo_url) {
    const info = (await apiGet("userinfo endpoint", p.userinfo_url, tokens.access_token as string)) as Record<string, unknown> | null;
    if (!info || info.sub !== claims.sub) throw new OAuthFlowError("invalid_id_token", "The userinfo response is for another subject", "userinfo_sub_mismatch");
    source = info;
  }
  return { issuer: p.issuer, subject: claims.sub!, email: emailOf(source.email), emailVerified: isTrue(source.email_verified), name: str(source.name) };
}

interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

async function githubProfile(p: OAuthProviderRow, tokens: Record<string, unknown>): Promise<Profile> {
  const token = tokens.access_token as string;
  const base = p.userinfo_url!;
  const [user, emails] = await Promise.all([apiGet("user API", base, token), apiGet("emails API", `${base}/emails`, token)]);
  const id = (user as { id?: unknown } | null)?.id;
  if (typeof id !== "number" && typeof id !== "string") throw new OAuthFlowError("server_error", "GitHub's user API returned no account id", "profile_invalid");
  const primary = Array.isArray(emails) ? (emails as GithubEmail[]).find((e) => e?.primary) : undefined;
  return {
    issuer: p.issuer,
    subject: String(id),
    email: emailOf(primary?.email),
    emailVerified: primary?.verified === true,
    name: str((user as { name?: unknown }).name) ?? str((user as { login?: unknown }).login),
  };
}

/** Exchanges the code (with our PKCE verifier and client credentials) and returns the verified account. */
export async function fetchProfile(p: OAuthProviderRow, x: Exchange): Promise<Profile> {
  const tokens = await tokenRequest(p, x);
  return usesIdToken(p.type) ? oidcProfile(p, tokens, x.nonceHash) : githubProfile(p, tokens);
}
