// The hosted page's single sign-on cookie: an opaque token (stored only as SHA-256) naming the
// session the page signed in (db/oidc.repo.ts). `__Host-` prefixed, HttpOnly, Secure and
// SameSite=Lax; on a loopback host (wrangler dev) without the prefix and Secure, which need https.
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { IDP_SESSION_ABSOLUTE_MS, IDP_SESSION_IDLE_MS, IDP_TOUCH_EVERY_MS } from "../config";
import { randomToken, sha256Hex } from "../crypto/random";
import { findIdpSession, insertIdpSession, touchIdpSession, type IdpSession } from "../db/oidc.repo";
import { iso, now } from "../lib/clock";
import { servedLocally } from "../lib/deployment";
import type { AppEnv } from "../lib/types";

export type { IdpSession };

const cookieName = (c: Context<AppEnv>) => `${servedLocally(c) ? "" : "__Host-"}edge_auth_sso_${c.get("project").id}`;
const cookieOptions = (c: Context<AppEnv>) => ({ path: "/", httpOnly: true, secure: !servedLocally(c), sameSite: "Lax" as const });

/** The browser's live IdP session for this project (its user may be disabled: the caller decides), or null. */
export async function currentIdpSession(c: Context<AppEnv>): Promise<IdpSession | null> {
  const token = getCookie(c, cookieName(c));
  if (!token) return null;
  const at = now();
  const project = c.get("project");
  const found = await findIdpSession(c.env.DB, project.id, await sha256Hex(token), iso(at), iso(at - IDP_SESSION_IDLE_MS));
  // Never past the project's absolute session lifetime, counted from the sign-in, like every session.
  const session = found && Date.parse(found.auth_time) + project.session_max_age * 1000 > at ? found : null;
  if (session && at - Date.parse(session.last_seen_at) > IDP_TOUCH_EVERY_MS) {
    await touchIdpSession(c.env.DB, c.get("project").id, session.token_hash, iso(at)).run();
  }
  return session;
}

/**
 * Makes `sessionId` (a session the hosted page just signed in) the browser's single sign-on session:
 * the statements to run in the caller's batch, and the cookie is set on the response.
 */
export async function startIdpSession(c: Context<AppEnv>, sessionId: string): Promise<D1PreparedStatement[]> {
  const token = randomToken("sso");
  const at = now();
  const lifetime = Math.min(IDP_SESSION_ABSOLUTE_MS, c.get("project").session_max_age * 1000);
  setCookie(c, cookieName(c), token, { ...cookieOptions(c), maxAge: Math.floor(lifetime / 1000) });
  return insertIdpSession(c.env.DB, {
    tokenHash: await sha256Hex(token),
    projectId: c.get("project").id,
    sessionId,
    createdAt: iso(at),
    expiresAt: iso(at + lifetime),
  });
}

export const clearIdpCookie = (c: Context<AppEnv>) => deleteCookie(c, cookieName(c), cookieOptions(c));
