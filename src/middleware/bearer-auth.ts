import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { importPublicKey, type PublicJwk } from "../crypto/keys";
import { tokenKid, verifyAccessToken, type AccessClaims } from "../crypto/jwt";
import { getVerificationKey } from "../db/keys.repo";
import { getSessionUser } from "../db/sessions.repo";
import { ApiError } from "../errors";
import { now } from "../lib/clock";
import { issuerOf } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";

/** Auth API paths (under /api/auth/:projectId) that need an access token. Hono's "/x/*" also matches "/x". */
export const BEARER_PATHS = ["/me/*", "/sessions/*", "/verify-email/send"];
const BEARER_PATH = /^\/api\/auth\/[^/]+\/(me|sessions)(\/|$)|^\/api\/auth\/[^/]+\/verify-email\/send$/;

/** Whether this request is for a bearer-protected path (preflights carry no token). */
export const needsBearer = (c: Context<AppEnv>) => c.req.method !== "OPTIONS" && BEARER_PATH.test(c.req.path);

// A kid's public key never changes, so it is cached per isolate with the project it belongs to.
// Its lifetime can (rotation sets verify_until), so that part is re-read at most once a minute.
const KEY_STATUS_TTL_MS = 60_000;
const verificationKeys = new Map<string, { projectId: string; key: Promise<CryptoKey>; verifyUntil: number; checkedAt: number }>();

async function keyFor(db: D1Database, projectId: string, kid: string): Promise<{ key: Promise<CryptoKey>; verifyUntil: number } | null> {
  const t = now();
  let cached = verificationKeys.get(kid);
  if (!cached || t - cached.checkedAt > KEY_STATUS_TTL_MS) {
    const row = await getVerificationKey(db, projectId, kid);
    if (!row) return null;
    const verifyUntil = row.status === "retired" && row.verify_until ? Date.parse(row.verify_until) : Infinity;
    cached = { projectId, key: cached?.key ?? importPublicKey(kid, JSON.parse(row.public_jwk) as PublicJwk), verifyUntil, checkedAt: t };
    verificationKeys.set(kid, cached);
  }
  return cached.projectId === projectId ? cached : null;
}

const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];

/** The verified claims of the request's access token for `projectId`, or the error to answer. */
export async function verifyBearer(c: Context<AppEnv>, projectId: string): Promise<{ claims: AccessClaims } | { error: ApiError }> {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) return { error: new ApiError("UNAUTHORIZED", "Missing bearer token in the Authorization header") };
  const kid = tokenKid(token);
  const found = kid ? await keyFor(c.env.DB, projectId, kid) : null;
  if (!found) return { error: new ApiError("INVALID_TOKEN", "Access token is invalid for this project") };
  const t = now();
  const result = await verifyAccessToken(token, await found.key, { issuer: issuerOf(c, projectId), projectId, now: t });
  // A retired key verifies nothing past verify_until: a leaked old key cannot mint lasting tokens.
  if (result.ok && t > found.verifyUntil) return { error: new ApiError("INVALID_TOKEN", "Access token is signed by a retired key") };
  if (result.ok) return { claims: result.claims };
  return {
    error: result.reason === "expired" ? new ApiError("TOKEN_EXPIRED", "Access token has expired; refresh it") : new ApiError("INVALID_TOKEN", "Access token is invalid for this project"),
  };
}

/**
 * Requires a valid access token of the resolved project whose session is still live and
 * whose user is enabled. Revoking a session or disabling a user takes effect at once.
 * resolveProject usually did the verification and the lookup already, in its one query.
 */
export const bearerAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    let found = c.get("bearer");
    if (!found) {
      const project = c.get("project");
      const verified = await verifyBearer(c, project.id);
      if ("error" in verified) throw verified.error;
      found = { claims: verified.claims, user: await getSessionUser(c.env.DB, project.id, verified.claims.sub, verified.claims.sid) };
    }
    const { claims, user } = found;
    if (!user) throw new ApiError("INVALID_TOKEN", "The session of this access token has ended");
    // Disabling a user also revokes their sessions; checked first so the caller learns why.
    if (user.disabled) throw new ApiError("USER_DISABLED", "This account is disabled");
    if (user.session_revoked_at) throw new ApiError("INVALID_TOKEN", "The session of this access token has ended");
    c.set("auth", { claims, user });
    await next();
  });
