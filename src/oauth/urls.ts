import { isLoopbackHost } from "../lib/deployment";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
// Names that resolve only inside a network (RFC 6761, RFC 6762, RFC 8375, common internal zones).
const PRIVATE_SUFFIXES = ["localhost", "local", "internal", "home.arpa", "lan"];

/** https, or plain http to a loopback host (local development and tests only: a deployed Worker cannot reach those). */
export function isSecureOrLocal(text: unknown): text is string {
  if (typeof text !== "string" || !URL.canParse(text)) return false;
  const url = new URL(text);
  return !url.username && !url.password && (url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)));
}

/**
 * Why the Worker must not fetch `text` on an admin's say-so, or null: https to a public host name only
 * (no IP literal in any spelling - the URL parser turns 2130706433 and 0x7f.1 into 127.0.0.1 - no
 * single-label or .local/.internal name). While the Worker itself is served from loopback (`local`,
 * wrangler dev), loopback hosts are allowed over http too. Redirects are never followed (upstreamFetch).
 */
export function outboundUrlProblem(text: unknown, local: boolean): string | null {
  if (typeof text !== "string" || !URL.canParse(text)) return "is missing or not a URL";
  const url = new URL(text);
  if (url.username || url.password) return "must not contain credentials";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (local && isLoopbackHost(host) && (url.protocol === "http:" || url.protocol === "https:")) return null;
  if (url.protocol !== "https:") return "must be an https URL";
  if (host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return "must name a host, not an IP address";
  if (!host.includes(".") || PRIVATE_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
    return "must be a public host name (not localhost, a single label, or a .local/.internal name)";
  }
  return null;
}

/** Whether any URL the Worker fetches for a stored provider (code exchange, JWKS, userinfo) breaks the rules above. */
export const refusedEndpoint = (p: { token_url: string; jwks_uri: string | null; userinfo_url: string | null }, local: boolean): boolean =>
  [p.token_url, p.jwks_uri, p.userinfo_url].some((url) => url !== null && outboundUrlProblem(url, local) !== null);

/** `base` with `params` added to its query (existing parameters kept, empty values skipped). */
export function withQuery(base: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.toString();
}

/** Where a provider sends the user back to us: `<project issuer>/oauth/<slug>/callback`. */
export const callbackUrl = (projectIssuer: string, slug: string) => `${projectIssuer}/oauth/${slug}/callback`;
