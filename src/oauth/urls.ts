const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or plain http to a loopback host (local development and tests only: a deployed Worker cannot reach those). */
export function isSecureOrLocal(text: unknown): text is string {
  if (typeof text !== "string" || !URL.canParse(text)) return false;
  const url = new URL(text);
  return !url.username && !url.password && (url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)));
}

/** `base` with `params` added to its query (existing parameters kept, empty values skipped). */
export function withQuery(base: string, params: Record<string, string | null | undefined>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.toString();
}

/** Where a provider sends the user back to us: `<project issuer>/oauth/<slug>/callback`. */
export const callbackUrl = (projectIssuer: string, slug: string) => `${projectIssuer}/oauth/${slug}/callback`;
