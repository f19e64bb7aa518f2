import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { KEY_STATUS_TTL_MS } from "../config";
import { importPublicKey, type PublicJwk } from "../crypto/keys";
import { tokenKid, verifyAccessToken, type AccessClaims } from "../crypto/jwt";
import { getVerificationKey } from "../db/keys.repo";
import { getProjectWithKey, getProjectWithSessionUser, type ProjectWithKey } from "../db/projects.repo";
import { ApiError } from "../errors";
import { amrOf, mustEnroll } from "../lib/amr";
import { now } from "../lib/clock";
import { cachedProject, rememberProject } from "../lib/project-cache";
import { issuerOf } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";

/** The one answer for a project id that names no project, on the Auth and the Admin API alike. */
export const projectNotFound = (projectId: string) => new ApiError("NOT_FOUND", `Project '${projectId.slice(0, 64)}' does not exist`);

/**
 * Declared in a route's `middleware` when it may run on a project read up to PROJECT_CACHE_TTL_MS
 * ago: the well-known documents, and refresh (its batch re-reads the project and decides on that
 * copy; the cached one only answers CORS and unknown ids). It does nothing itself.
 */
export const projectMayLag = createMiddleware<AppEnv>(async (_c, next) => next());

/**
 * Resolves :projectId for the Auth API: unknown → 404, disabled → 403 PROJECT_DISABLED.
 * When the matched route is a user route (declared through userRoute) it verifies the access
 * token first and fetches the session's user in the same query, so an authenticated request
 * costs one round trip to D1; userSession then only judges the outcome kept in `bearer`.
 */
export const resolveProject = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const projectId = c.req.param("projectId") ?? "";
    const verified = declares(c, userSession) ? await verifyBearer(c, projectId) : null;
    const cached = declares(c, projectMayLag);
    let project: ProjectWithKey | null | undefined;
    if (cached) {
      project = await cachedProject(c.env.DB, projectId);
    } else if (verified && "claims" in verified) {
      const row = await getProjectWithSessionUser(c.env.DB, projectId, verified.claims.sub, verified.claims.sid);
      project = row?.project;
      if (row) c.set("bearer", { claims: verified.claims, user: row.user });
    } else {
      project = await getProjectWithKey(c.env.DB, projectId);
      if (verified) c.set("bearer", verified);
    }
    if (project && !cached) rememberProject(project); // warms the cached routes
    if (!project) throw projectNotFound(projectId);
    if (!project.enabled) throw new ApiError("PROJECT_DISABLED", "This project is disabled");
    c.set("project", project);
    await next();
  });

/**
 * The middleware of every user route (see userRoute): requires a valid access token of the
 * project whose session is still live and whose user is enabled, as resolveProject found them.
 * Revoking a session or disabling a user takes effect at once.
 */
export const userSession = createMiddleware<AppEnv>(async (c, next) => {
  const found = c.get("bearer");
  if (!found) throw new Error("userSession runs only behind resolveProject");
  if ("error" in found) throw found.error;
  const { claims, user } = found;
  if (!user) throw new ApiError("INVALID_TOKEN", "The session of this access token has ended");
  // Disabling a user also revokes their sessions; checked first so the caller learns why.
  if (user.disabled) throw new ApiError("USER_DISABLED", "This account is disabled");
  if (user.session_revoked_at) throw new ApiError("INVALID_TOKEN", "The session of this access token has ended");
  // Judged on the project and session as they are now: a policy change applies to live tokens at once.
  // A token issued to an OAuth client is for that client's APIs and UserInfo, never for acting as the user here.
  if (claims.client_id && !declares(c, clientTokensAllowed)) {
    throw new ApiError("INVALID_TOKEN", "This token was issued to an OAuth client: it works at UserInfo and the client's own APIs, not on this route");
  }
  if (mustEnroll(c.get("project").mfa_policy, amrOf(user.session_amr)) && !declares(c, enrollingAllowed)) {
    throw new ApiError("MFA_REQUIRED", "This project requires a second factor: enroll one (TOTP or a passkey) before using this session");
  }
  c.set("auth", { claims, user });
  await next();
});

/** Declared on the user routes a token issued to an OAuth client may call (UserInfo). It does nothing itself. */
export const clientTokensAllowed = createMiddleware<AppEnv>(async (_c, next) => next());

/** Declared (by userRoute) on the routes a session restricted to enrolling a second factor may use. It does nothing itself. */
export const enrollingAllowed = createMiddleware<AppEnv>(async (_c, next) => next());

/** Whether the route this request matched declares `middleware` (a preflight matches none). */
const declares = (c: Context<AppEnv>, middleware: unknown) => matchedRoutes(c).some((route) => route.handler === middleware);

// A kid's public key never changes, so it is cached per isolate with the project it belongs to.
// Its lifetime can (rotation sets verify_until), so that part is re-read every KEY_STATUS_TTL_MS.
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
async function verifyBearer(c: Context<AppEnv>, projectId: string): Promise<{ claims: AccessClaims } | { error: ApiError }> {
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
    error:
      result.reason === "expired"
        ? new ApiError("TOKEN_EXPIRED", "Access token has expired; refresh it")
        : new ApiError("INVALID_TOKEN", "Access token is invalid for this project"),
  };
}
