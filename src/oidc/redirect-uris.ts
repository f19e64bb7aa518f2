// Which redirect URIs a client may register, and when a presented one matches (exactly; RFC 8252 §7.3
// lets a native app's loopback redirect use any port).

const LOOPBACK_IPS = new Set(["127.0.0.1", "[::1]"]);

/**
 * Why `text` cannot be a client's redirect URI, or null: an absolute URL without a fragment or
 * credentials; https, http only to a loopback address (native apps and local development), or a
 * private-use scheme with a dot (`com.example.app:/callback`, RFC 8252 §7.1) for native apps.
 */
export function redirectUriProblem(text: string): string | null {
  if (!URL.canParse(text)) return "is not an absolute URL";
  const url = new URL(text);
  if (url.hash || text.includes("#")) return "must not contain a fragment";
  if (url.username || url.password) return "must not contain credentials";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:")
    return LOOPBACK_IPS.has(url.hostname) || url.hostname === "localhost" ? null : "must use https (http only to a loopback address)";
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return null;
  return "must use https, http to a loopback address, or a private-use scheme such as com.example.app:";
}

/** Whether `presented` is one of `registered`: exactly, or a loopback IP URI differing only in its port. */
export function redirectUriMatches(registered: readonly string[], presented: string): boolean {
  if (presented.includes("#")) return false;
  if (registered.includes(presented)) return true;
  if (!URL.canParse(presented)) return false;
  const p = new URL(presented);
  if (p.protocol !== "http:" || !LOOPBACK_IPS.has(p.hostname)) return false;
  const withoutPort = (u: URL) => `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
  return registered.some((r) => URL.canParse(r) && new URL(r).protocol === "http:" && withoutPort(new URL(r)) === withoutPort(p));
}
