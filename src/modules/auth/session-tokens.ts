// Issuing and rotating a session's tokens: the one place that signs access tokens and
// mints refresh tokens, for register, login and refresh alike.
import type { Context } from "hono";
import { REUSE_GRACE_MS } from "../../config";
import { open, seal, sealingSecrets } from "../../crypto/box";
import { signAccessToken, type ProfileClaims } from "../../crypto/jwt";
import { importPrivateKey } from "../../crypto/keys";
import { randomId, randomToken, sha256Hex } from "../../crypto/random";
import { insertAudit, insertAuditIf, type AuditEntry } from "../../db/audit.repo";
import { selectProjectWithKey, type ProjectRow, type ProjectWithKey } from "../../db/projects.repo";
import {
  countDuplicateRefresh,
  findRefreshToken,
  insertSession,
  markRefreshBlockAudited,
  refreshBlockUnaudited,
  refreshOutcome,
  type RefreshTokenState,
  type RefreshWindow,
  revokeSession,
  revokeUserSessions,
  rotateRefreshToken,
  type SessionClient,
  type SessionRefreshWindow,
} from "../../db/sessions.repo";
import { metadataOf } from "../../db/users.repo";
import { sessionEvent } from "../../db/webhooks.repo";
import { dispatchDeliveries } from "../../webhooks/delivery";
import { type Amr, RESTRICTED_MFA_ENROLLMENT, amrOf, mustEnroll } from "../../lib/amr";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { blockAudit, overridesOf, rateLimited, refreshWindow, unknownToken } from "../../lib/rate-limit";
import { auditEntry, clientIp, issuerOf, userAgent } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { projectNotFound } from "../../middleware/project";

const SUCCESSOR_PURPOSE = "once:refresh-successor";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: "Bearer";
  expiresIn: number;
}

/** The user a token is for, as stored: what its claims are made of. */
export interface TokenSubject {
  id: string;
  email: string;
  email_verified: number;
  app_metadata: string;
}

const subjectOf = (state: RefreshTokenState): TokenSubject => ({
  id: state.user_id,
  email: state.user_email,
  email_verified: state.user_email_verified,
  app_metadata: state.user_app_metadata,
});

/**
 * The profile claims of an access token (when the project includes them): all of them for the JSON API's
 * sessions; for an OAuth client's, only what its scopes release (email: email and email_verified; profile: app_metadata).
 */
function profileClaims(project: ProjectRow, user: TokenSubject, client: { scope: string } | null): Partial<ProfileClaims> | null {
  if (!project.include_profile_claims) return null;
  const scopes = new Set(client ? client.scope.split(" ") : ["email", "profile"]);
  return {
    ...(scopes.has("email") ? { email: user.email, email_verified: user.email_verified === 1 } : {}),
    ...(scopes.has("profile") ? { app_metadata: metadataOf(user.app_metadata) } : {}),
  };
}

/** The project's active private key (ID tokens are signed with it too). */
export async function signingKey(c: Context<AppEnv>, project: ProjectWithKey): Promise<{ key: CryptoKey; kid: string }> {
  if (!project.key_id || !project.key_box) throw new Error(`project ${project.id} has no active signing key`);
  return { key: await importPrivateKey(project.key_id, project.key_box, sealingSecrets(c.env)), kid: project.key_id };
}

async function accessToken(
  c: Context<AppEnv>,
  project: ProjectWithKey,
  user: TokenSubject,
  sessionId: string,
  amr: readonly string[],
  client: { id: string; scope: string } | null = null,
): Promise<string> {
  const { key, kid } = await signingKey(c, project);
  return signAccessToken(key, kid, {
    issuer: issuerOf(c, project.id),
    projectId: project.id,
    userId: user.id,
    sessionId,
    ttlSeconds: project.access_token_ttl,
    now: now(),
    amr,
    restricted: mustEnroll(project.mfa_policy, amr) ? RESTRICTED_MFA_ENROLLMENT : null,
    profile: profileClaims(project, user, client),
    client,
  });
}

/** When a session started at `createdAt` (ISO) reaches its absolute lifetime, in ms since the epoch. */
export const absoluteEndOf = (project: Pick<ProjectRow, "session_max_age">, createdAt: string): number =>
  Date.parse(createdAt) + project.session_max_age * 1000;

/** A refresh token issued at `at` lives refreshTokenTtl, but never past its session's absolute end. */
const refreshExpiry = (project: ProjectWithKey, at: number, sessionCreatedAt: string): string =>
  iso(Math.min(at + project.refresh_token_ttl * 1000, absoluteEndOf(project, sessionCreatedAt)));

const pair = (project: ProjectWithKey, accessToken: string, refreshToken: string): TokenPair => ({
  accessToken,
  refreshToken,
  tokenType: "Bearer",
  expiresIn: project.access_token_ttl,
});

/**
 * Starts a session for `user` signed in by `amr`, in one batch with `before` (e.g. the user's
 * insert) and `after` statements, so a failure anywhere leaves nothing written. Returns the batch results.
 */
export async function startSession(
  c: Context<AppEnv>,
  user: TokenSubject,
  amr: readonly Amr[],
  statements: { before?: D1PreparedStatement[]; after?: D1PreparedStatement[] } = {},
  client: SessionClient | null = null,
): Promise<{ tokens: TokenPair; sessionId: string; results: D1Result[] }> {
  const project = c.get("project");
  const sessionId = randomId("ses");
  const refreshToken = randomToken("rt");
  const at = now();
  const tokenHash = await sha256Hex(refreshToken);
  const session = insertSession(c.env.DB, {
    id: sessionId,
    projectId: project.id,
    userId: user.id,
    userAgent: userAgent(c),
    ip: clientIp(c),
    createdAt: iso(at),
    expiresAt: refreshExpiry(project, at, iso(at)),
    tokenHash,
    amr,
    client,
  });
  const signing = accessToken(c, project, user, sessionId, amr, client);
  const created = sessionEvent(c.env.DB, project.id, "session.created", sessionId, iso(at));
  const results = await c.env.DB.batch([...(statements.before ?? []), ...session, ...(statements.after ?? []), ...created]);
  dispatchDeliveries(c, results);
  return { tokens: pair(project, await signing, refreshToken), sessionId, results };
}

/** Follows a rotated token to the newest successor issued inside the grace window. */
async function successorOf(c: Context<AppEnv>, presented: string, state: RefreshTokenState): Promise<string | null> {
  let token = presented;
  let current: RefreshTokenState | null = state;
  for (let hops = 0; hops < 5 && current?.rotated_at && current.successor_box; hops++) {
    if (now() - Date.parse(current.rotated_at) > REUSE_GRACE_MS) return hops === 0 ? null : token;
    const next = await open(token, SUCCESSOR_PURPOSE, current.successor_box);
    if (!next) return null;
    token = next;
    current = await findRefreshToken(c.env.DB, c.get("project").id, await sha256Hex(token));
  }
  return token === presented ? null : token;
}

/**
 * 429 for session `sessionId`, whose refresh.session window (as read with the refused statement)
 * is full; audited once per block, in one batch with the block's mark.
 */
async function refuseOverWindow(c: Context<AppEnv>, sessionId: string, counter: SessionRefreshWindow, window: RefreshWindow, at: number): Promise<never> {
  const projectId = c.get("project").id;
  const end = counter.refresh_window_start + window.windowMs;
  if (end <= at || counter.refresh_count < window.limit) throw new Error("a refresh was refused although its session's window allows it");
  const retryAfter = Math.max(1, Math.ceil((end - at) / 1000));
  await c.env.DB.batch([
    insertAuditIf(c.env.DB, blockAudit(c, projectId, "refresh.session", retryAfter), refreshBlockUnaudited(projectId, sessionId)),
    markRefreshBlockAudited(c.env.DB, projectId, sessionId),
  ]);
  throw rateLimited(retryAfter);
}

/**
 * Rotates `presented`. Exactly one caller wins the rotation; concurrent duplicates inside the
 * grace window receive the winner's successor (one chain, nobody logged out); a rotated token
 * replayed after the window revokes the whole session. The common case (a live token, first use)
 * is one D1 batch that reads the project, decides, counts the refresh in the session's
 * refresh.session window and writes; the refusals read what they need after it.
 */
export async function rotate(
  c: Context<AppEnv>,
  presented: string,
  clientId: string | null = null,
): Promise<{ tokens: TokenPair; userId: string; sessionId: string; scope: string | null }> {
  const cached = c.get("project"); // may be a few seconds old (project cache): the batch reads the project again
  const projectId = cached.id;
  const db = c.env.DB;
  const window = refreshWindow(overridesOf(cached.rate_limits));
  const oldHash = await sha256Hex(presented);
  const successor = randomToken("rt");
  const newHash = await sha256Hex(successor);
  const at = now();
  const rotation = rotateRefreshToken(
    db,
    {
      projectId,
      oldHash,
      newHash,
      successorBox: await seal(presented, SUCCESSOR_PURPOSE, successor),
      at,
      audit: { id: randomId("evt"), ip: clientIp(c), userAgent: userAgent(c), requestId: c.get("requestId") },
      eraseBefore: iso(at - REUSE_GRACE_MS),
      clientId,
      window,
    },
    selectProjectWithKey(db, projectId),
  );
  const { project, won, state } = refreshOutcome<ProjectWithKey>(await db.batch(rotation));
  if (!project) throw projectNotFound(projectId);
  if (!project.enabled) throw new ApiError("PROJECT_DISABLED", "This project is disabled");
  c.set("project", project);
  const fail = (audit: Omit<AuditEntry, "at" | "ip" | "userAgent" | "requestId">) => db.batch([insertAudit(db, auditEntry(c, audit))]);
  const base = { projectId: project.id, targetType: "session" } as const;

  if (!state) {
    await unknownToken(c, project);
    await fail({ ...base, type: "auth.refresh", outcome: "failure", actorType: "anonymous", details: { reason: "unknown_token" } });
    throw new ApiError("INVALID_TOKEN", "Refresh token is invalid");
  }
  // A session rotates only for whom it was issued: its OAuth client at the token endpoint, nobody's at POST /refresh.
  if (state.session_client_id !== clientId) {
    await unknownToken(c, project);
    await fail({ ...base, type: "auth.refresh", outcome: "failure", actorType: "anonymous", details: { reason: "wrong_client" } });
    throw new ApiError("INVALID_TOKEN", clientId ? "This refresh token was not issued to this client" : "Refresh token is invalid");
  }
  const client = state.session_client_id ? { id: state.session_client_id, scope: state.session_scope ?? "" } : null;
  const issued = async (refreshToken: string) => ({
    tokens: pair(project, await accessToken(c, project, subjectOf(state), state.session_id, amrOf(state.session_amr), client), refreshToken),
    userId: state.user_id,
    sessionId: state.session_id,
    scope: state.session_scope,
  });
  if (won) return issued(successor);

  const actor = { ...base, actorType: "user" as const, actorId: state.user_id, targetId: state.session_id };
  // Disabled first: disabling also revokes the sessions, and the caller should learn why.
  if (state.user_disabled) {
    await db.batch([
      revokeUserSessions(db, project.id, state.user_id, "user_disabled", iso()),
      insertAudit(db, auditEntry(c, { ...actor, type: "auth.refresh", outcome: "failure", details: { reason: "user_disabled" } })),
    ]);
    throw new ApiError("USER_DISABLED", "This account is disabled");
  }
  if (state.session_revoked_at) {
    await fail({ ...actor, type: "auth.refresh", outcome: "failure", details: { reason: "session_ended" } });
    throw new ApiError("INVALID_TOKEN", "This session has ended; log in again");
  }
  // Checked before the token's own expiry (capped at the same instant), so the session is ended and the reason given.
  if (absoluteEndOf(project, state.session_created_at) <= at) {
    await db.batch([
      revokeSession(db, project.id, state.session_id, "max_age_reached", iso()),
      insertAudit(db, auditEntry(c, { ...actor, type: "auth.refresh", outcome: "failure", details: { reason: "max_age" } })),
    ]);
    throw new ApiError("TOKEN_EXPIRED", "This session reached its maximum lifetime; log in again");
  }
  if (Date.parse(state.expires_at) <= at) {
    await fail({ ...actor, type: "auth.refresh", outcome: "failure", details: { reason: "expired" } });
    throw new ApiError("TOKEN_EXPIRED", "Refresh token has expired; log in again");
  }

  // Live, unrotated and not won: the one check left is the session's refresh.session window.
  if (!state.rotated_at) {
    const counter = { refresh_window_start: state.session_refresh_window_start, refresh_count: state.session_refresh_count };
    return refuseOverWindow(c, state.session_id, counter, window, at);
  }
  // Rotated already: a duplicate inside the grace window (counted like a refresh), or a reuse.
  const granted = await successorOf(c, presented, state);
  if (granted) {
    const [counted, counter] = await db.batch(countDuplicateRefresh(db, project.id, state.session_id, at, window));
    if (!counted?.meta.changes) return refuseOverWindow(c, state.session_id, counter!.results[0] as SessionRefreshWindow, window, at);
    return issued(granted);
  }
  const revokedAt = iso();
  const results = await db.batch([
    revokeSession(db, project.id, state.session_id, "refresh_token_reused", revokedAt),
    insertAudit(db, auditEntry(c, { ...actor, type: "auth.refresh.reuse", outcome: "blocked" })),
    ...sessionEvent(db, project.id, "session.reuse_detected", state.session_id, revokedAt),
  ]);
  dispatchDeliveries(c, results);
  throw new ApiError("REFRESH_TOKEN_REUSED", "This refresh token was already used; the session has been revoked for safety");
}
