// Where this Worker is running, read from the request it serves: the one definition behind every
// guard rail that differs between local development and production.
import type { Context } from "hono";
import type { AppEnv } from "./types";

/** localhost (and *.localhost), 127.0.0.0/8 or ::1, as a URL's hostname spells them. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return host === "localhost" || host.endsWith(".localhost") || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "[::1]";
}

/** Local development: the request reached the Worker on a loopback host (wrangler dev on 127.0.0.1). */
export const servedLocally = (c: Context<AppEnv>): boolean => isLoopbackHost(new URL(c.req.url).hostname);

/** Production: the request came over https to a public host, or concerns a project marked `production`. */
export function inProduction(c: Context<AppEnv>, project?: { environment: string }): boolean {
  const url = new URL(c.req.url);
  return (url.protocol === "https:" && !isLoopbackHost(url.hostname)) || project?.environment === "production";
}
