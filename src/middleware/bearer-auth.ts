import { createMiddleware } from "hono/factory";
import { importPublicKey, type PublicJwk } from "../crypto/keys";
import { tokenKid, verifyAccessToken } from "../crypto/jwt";
import { getVerificationKey } from "../db/keys.repo";
import { getSessionUser } from "../db/sessions.repo";
import { ApiError } from "../errors";
import { now } from "../lib/clock";
import { issuerOf } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";

// A kid's public key never changes, so it is cached per isolate with the project it belongs to.
const verificationKeys = new Map<string, { projectId: string; key: Promise<CryptoKey> }>();

async function keyFor(db: D1Database, projectId: string, kid: string): Promise<CryptoKey | null> {
  const cached = verificationKeys.get(kid);
  if (cached) return cached.projectId === projectId ? cached.key : null;
  const row = await getVerificationKey(db, projectId, kid);
  if (!row) return null;
  const key = importPublicKey(kid, JSON.parse(row.public_jwk) as PublicJwk);
  verificationKeys.set(kid, { projectId, key });
  return key;
}

const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];

/**
 * Requires a valid access token of the resolved project whose session is still live and
 * whose user is enabled. Revoking a session or disabling a user takes effect at once.
 */
export const bearerAuth = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (!token) throw new ApiError("UNAUTHORIZED", "Missing bearer token in the Authorization header");
    const project = c.get("project");
    const kid = tokenKid(token);
    const key = kid ? await keyFor(c.env.DB, project.id, kid) : null;
    if (!kid || !key) throw new ApiError("INVALID_TOKEN", "Access token is invalid for this project");
    const result = await verifyAccessToken(token, await key, { issuer: issuerOf(c, project.id), projectId: project.id, now: now() });
    if (!result.ok) {
      throw result.reason === "expired"
        ? new ApiError("TOKEN_EXPIRED", "Access token has expired; refresh it")
        : new ApiError("INVALID_TOKEN", "Access token is invalid for this project");
    }
    const user = await getSessionUser(c.env.DB, project.id, result.claims.sub, result.claims.sid);
    if (!user) throw new ApiError("INVALID_TOKEN", "The session of this access token has ended");
    // Disabling a user also revokes their sessions; checked first so the caller learns why.
    if (user.disabled) throw new ApiError("USER_DISABLED", "This account is disabled");
    if (user.session_revoked_at) throw new ApiError("INVALID_TOKEN", "The session of this access token has ended");
    c.set("auth", { claims: result.claims, user });
    await next();
  });
