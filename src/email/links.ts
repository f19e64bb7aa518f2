// Where the links in emails point: only to a URL on the project's allow-list (redirectUrls).
import { redirectUrlsOf, type ProjectRow } from "../db/projects.repo";
import type { TokenPurpose } from "../db/one-time-tokens.repo";
import { ApiError } from "../errors";

export const allowedRedirects = (project: ProjectRow): string[] => redirectUrlsOf(project).filter((url) => URL.canParse(url));

/**
 * The base URL of an email's link: `requested` when it equals an allow-list entry exactly, or
 * `alsoAllowed` accepts it (the project's hosted sign-in page), otherwise 400 naming `redirectUrl`;
 * without one, the first entry; null when the list is empty.
 */
export function redirectTarget(project: ProjectRow, requested: string | undefined, alsoAllowed: (url: string) => boolean = () => false): string | null {
  const allowed = allowedRedirects(project);
  if (requested === undefined) return allowed[0] ?? null;
  if (allowed.includes(requested) || alsoAllowed(requested)) return requested;
  const message = "is not on this project's list of redirect URLs (it must match an entry exactly)";
  throw new ApiError("VALIDATION_ERROR", `redirectUrl: ${message}`, { details: [{ path: "redirectUrl", message }] });
}

/** `<base>?token=<token>&type=<purpose>`, keeping any query the base URL already has. */
export function emailLink(base: string, token: string, purpose: TokenPurpose | "passwordless"): string {
  const url = new URL(base);
  url.searchParams.set("token", token);
  url.searchParams.set("type", purpose);
  return url.toString();
}
