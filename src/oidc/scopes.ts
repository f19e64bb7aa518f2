// The scopes and claims this OpenID Provider supports (OpenID Connect Core §5.4).

export const SUPPORTED_SCOPES = ["openid", "email", "profile", "offline_access"] as const;
export type Scope = (typeof SUPPORTED_SCOPES)[number];

/** The claims each scope releases (ID token and UserInfo). */
export const CLAIMS_OF_SCOPE: Record<Scope, readonly string[]> = {
  openid: ["sub"],
  email: ["email", "email_verified"],
  profile: ["name"],
  offline_access: [],
};

/** The scopes of a space-separated list, de-duplicated in a stable order, or null when one is unknown. */
export function parseScopes(scope: string): Scope[] | null {
  const asked = new Set(scope.split(" ").filter(Boolean));
  if ([...asked].some((s) => !(SUPPORTED_SCOPES as readonly string[]).includes(s))) return null;
  return SUPPORTED_SCOPES.filter((s) => asked.has(s));
}

/** Whether every scope of `asked` is in `granted` (both space-separated). */
export const scopesCovered = (asked: string, granted: string) => {
  const have = new Set(granted.split(" "));
  return asked
    .split(" ")
    .filter(Boolean)
    .every((s) => have.has(s));
};
