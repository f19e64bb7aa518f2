// What each provider type needs: fixed endpoints for the presets, discovery for generic OIDC.
import type { ProviderSettings, ProviderType } from "../db/oauth.repo";

/** Where a provider's sign-ins go: the endpoint part of its stored settings. */
export type Endpoints = Pick<ProviderSettings, "issuer" | "authorizationUrl" | "tokenUrl" | "jwksUri" | "userinfoUrl" | "tokenAuthMethod">;

/** Google is a certified OpenID provider; its endpoints are stable, so no discovery round trip is needed. */
const GOOGLE: Endpoints = {
  issuer: "https://accounts.google.com",
  authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenUrl: "https://oauth2.googleapis.com/token",
  jwksUri: "https://www.googleapis.com/oauth2/v3/certs",
  userinfoUrl: "https://openidconnect.googleapis.com/v1/userinfo",
  tokenAuthMethod: "client_secret_post",
};

/** GitHub is OAuth 2.0 only (no ID token): the account comes from its REST API. The issuer is our label for its accounts. */
const GITHUB: Endpoints = {
  issuer: "https://github.com",
  authorizationUrl: "https://github.com/login/oauth/authorize",
  tokenUrl: "https://github.com/login/oauth/access_token",
  jwksUri: null,
  userinfoUrl: "https://api.github.com/user",
  tokenAuthMethod: "client_secret_post",
};

export const PRESETS: Record<Exclude<ProviderType, "oidc">, Endpoints> = { google: GOOGLE, github: GITHUB };

export const DEFAULT_SCOPES: Record<ProviderType, string[]> = {
  oidc: ["openid", "email", "profile"],
  google: ["openid", "email", "profile"],
  github: ["read:user", "user:email"],
};

/** OpenID providers need `openid` to issue an ID token; it is added when missing. */
export function effectiveScopes(type: ProviderType, scopes: string[] | undefined): string[] {
  const list = scopes?.length ? [...new Set(scopes)] : DEFAULT_SCOPES[type];
  return type !== "github" && !list.includes("openid") ? ["openid", ...list] : list;
}

/** Whether the provider type proves who signed in with an ID token (OIDC) rather than an API call (GitHub). */
export const usesIdToken = (type: ProviderType) => type !== "github";
