// The hosted sign-in page as a return address of the project's own flows (social sign-in, email
// links): the page sends users there and back itself, so its URL needs no place in redirectUrls.
import type { Context } from "hono";
import { issuerOf } from "./request-meta";
import type { AppEnv } from "./types";

/** `<issuer>/hosted/sign-in`, without a query. */
export const hostedSignInBase = (c: Context<AppEnv>, projectId: string) => `${issuerOf(c, projectId)}/hosted/sign-in`;

/** A waiting authorization request's id as the hosted page carries it (randomId("azr")). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Whether `url` is the project's hosted sign-in page: exactly `<issuer>/hosted/sign-in`, or that
 * with only `?request=<id>` (an email link carries the request it belongs to).
 */
export function isHostedReturn(c: Context<AppEnv>, projectId: string, url: string): boolean {
  const base = hostedSignInBase(c, projectId);
  if (url === base) return true;
  if (!url.startsWith(`${base}?`)) return false;
  const query = new URLSearchParams(url.slice(base.length + 1));
  const keys = [...query.keys()];
  return keys.length === 1 && keys[0] === "request" && REQUEST_ID_PATTERN.test(query.get("request")!);
}
