// Where the links in emails point: only to a URL on the project's allow-list (redirectUrls).
import type { ProjectRow } from "../db/projects.repo";
import type { TokenPurpose } from "../db/one-time-tokens.repo";
import { ApiError } from "../errors";

export function allowedRedirects(project: ProjectRow): string[] {
  try {
    const list: unknown = JSON.parse(project.redirect_urls);
    return Array.isArray(list) ? list.filter((url): url is string => typeof url === "string" && URL.canParse(url)) : [];
  } catch {
    return [];
  }
}

/**
 * The base URL of an email's link: `requested` when it equals an allow-list entry exactly
 * (otherwise 400 naming `redirectUrl`), else the first entry; null when the list is empty.
 */
export function redirectTarget(project: ProjectRow, requested: string | undefined): string | null {
  const allowed = allowedRedirects(project);
  if (requested === undefined) return allowed[0] ?? null;
  if (allowed.includes(requested)) return requested;
  const message = "is not on this project's list of redirect URLs (it must match an entry exactly)";
  throw new ApiError("VALIDATION_ERROR", `redirectUrl: ${message}`, { details: [{ path: "redirectUrl", message }] });
}

/** `<base>?token=<token>&type=<purpose>`, keeping any query the base URL already has. */
export function emailLink(base: string, token: string, purpose: TokenPurpose): string {
  const url = new URL(base);
  url.searchParams.set("token", token);
  url.searchParams.set("type", purpose);
  return url.toString();
}
