import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { hashPassword } from "../../crypto/password";
import { randomId } from "../../crypto/random";
import { insertAudit, insertAuditIf, type AuditEntry } from "../../db/audit.repo";
import { spendUserTokens } from "../../db/one-time-tokens.repo";
import { spendUserChallenges } from "../../db/mfa-challenges.repo";
import { deleteUserPasskeys, listUserPasskeys } from "../../db/passkeys.repo";
import { listUserIdentities } from "../../db/oauth.repo";
import { getProject } from "../../db/projects.repo";
import { listLiveSessions, revokeSession, revokeUserSessions, sessionRevokedAt } from "../../db/sessions.repo";
import { deleteTotp, getFactorSummary } from "../../db/totp.repo";
import { isUniqueViolation } from "../../db/sql";
import { deleteUser, getUser, insertUser, listUsers, updateUser, userExists, type UserRow } from "../../db/users.repo";
import { revokedSessionsEvent, sessionEvent, userEvent } from "../../db/webhooks.repo";
import { dispatchDeliveries } from "../../webhooks/delivery";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { decodeCursor, page } from "../../lib/cursor";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { listUserConsents } from "../../db/oidc.repo";
import { toConnectedApp, withdrawConsent } from "../../oidc/consents";
import { endsSessions, toAdminUserSession, toProjectUser, toUserFactors, toUserIdentity, updateDetails } from "./project-users.mappers";
import type {
  createProjectUser,
  deleteProjectUser,
  endProjectUserSession,
  getProjectUser,
  listProjectUserFactors,
  listProjectUserIdentities,
  listProjectUserConsents,
  listProjectUserSessions,
  listProjectUsers,
  resetProjectUserFactors,
  revokeProjectUserConsent,
  revokeProjectUserSessions,
  updateProjectUser,
} from "./project-users.routes";

const noSuchUser = () => new ApiError("NOT_FOUND", "No user with this id in this project");

/** The user, scoped to the project in the path: another project's user id is a 404 here. */
async function requireUser(c: Context<AppEnv>, projectId: string, userId: string): Promise<UserRow> {
  const user = await getUser(c.env.DB, projectId, userId);
  if (!user) throw noSuchUser();
  return user;
}

/** An audit entry for an admin's action on a project's user. */
const userAudit = (c: Context<AppEnv>, projectId: string, userId: string, type: string, at: string, details?: Record<string, unknown>): AuditEntry =>
  adminAction(c, { type, projectId, targetType: "user", targetId: userId, details, at });

const emailTaken = () => new ApiError("EMAIL_TAKEN", "Another user of this project has this email");

export const listProjectUsersHandler: RouteHandler<typeof listProjectUsers, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { search, status, limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor);
  const { results } = await listUsers(c.env.DB, projectId, { search, status, after, limit });
  const { items, nextCursor } = page(results, limit);
  return c.json({ success: true as const, data: items.map(toProjectUser), meta: { nextCursor } }, 200);
};

export const createProjectUserHandler: RouteHandler<typeof createProjectUser, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { email, password, displayName, emailVerified = false } = c.req.valid("json");
  const id = randomId("usr");
  const at = iso();
  const passwordHash = password === undefined ? null : await hashPassword(password, c.env.PASSWORD_PEPPER);
  try {
    const results = await c.env.DB.batch([
      insertUser(c.env.DB, { id, projectId, email, displayName: displayName ?? null, passwordHash, emailVerified, createdAt: at }),
      insertAudit(c.env.DB, userAudit(c, projectId, id, "admin.user.create", at, { hasPassword: passwordHash !== null, emailVerified })),
      ...userEvent(c.env.DB, projectId, "user.created", id, at),
    ]);
    dispatchDeliveries(c, results);
    const [inserted] = results;
    return c.json({ success: true as const, data: toProjectUser(inserted!.results[0] as UserRow) }, 201);
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
};

export const getProjectUserHandler: RouteHandler<typeof getProjectUser, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  return c.json({ success: true as const, data: toProjectUser(await requireUser(c, projectId, userId)) }, 200);
};

export const updateProjectUserHandler: RouteHandler<typeof updateProjectUser, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  const body = c.req.valid("json");
  const before = await requireUser(c, projectId, userId);
  const { password, ...fields } = body;
  const passwordHash = password === undefined ? undefined : await hashPassword(password, c.env.PASSWORD_PEPPER);
  const at = iso();
  const db = c.env.DB;
  // The audit row goes first, conditional on the user still existing, so a lost race records nothing.
  const statements = [
    insertAuditIf(db, userAudit(c, projectId, userId, "admin.user.update", at, updateDetails(before, body)), userExists(projectId, userId)),
    updateUser(db, projectId, userId, { ...fields, passwordHash }, at),
  ];
  const endReason = body.disabled ? "user_disabled" : "password_set_by_admin";
  if (endsSessions(body))
    statements.push(revokeUserSessions(db, projectId, userId, endReason, at), ...revokedSessionsEvent(db, projectId, userId, endReason, at));
  // A reset link mailed before the admin set the password must not undo it.
  if (passwordHash !== undefined) statements.push(spendUserTokens(db, projectId, userId, "reset_password", at));
  statements.push(...userEvent(db, projectId, "user.updated", userId, at));
  if (passwordHash !== undefined) statements.push(...userEvent(db, projectId, "user.password_changed", userId, at));
  if (updateDetails(before, body).emailVerified === true) statements.push(...userEvent(db, projectId, "user.email_verified", userId, at));
  try {
    const results = await db.batch(statements);
    dispatchDeliveries(c, results);
    const updated = results[1];
    const row = updated!.results[0] as UserRow | undefined;
    if (!row) throw noSuchUser();
    return c.json({ success: true as const, data: toProjectUser(row) }, 200);
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
};

export const deleteProjectUserHandler: RouteHandler<typeof deleteProjectUser, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  const db = c.env.DB;
  const at = iso();
  const results = await db.batch([
    insertAuditIf(db, userAudit(c, projectId, userId, "admin.user.delete", at), userExists(projectId, userId)),
    ...userEvent(db, projectId, "user.deleted", userId, at),
    deleteUser(db, projectId, userId),
  ]);
  dispatchDeliveries(c, results);
  const deleted = results[results.length - 1];
  if (deleted!.results.length !== 1) throw noSuchUser();
  return c.json({ success: true as const, data: { deleted: true as const } }, 200);
};

export const revokeProjectUserSessionsHandler: RouteHandler<typeof revokeProjectUserSessions, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  await requireUser(c, projectId, userId);
  const at = iso();
  const results = await c.env.DB.batch([
    revokeUserSessions(c.env.DB, projectId, userId, "revoked_by_admin", at),
    insertAudit(c.env.DB, userAudit(c, projectId, userId, "admin.user.revoke_sessions", at)),
    ...revokedSessionsEvent(c.env.DB, projectId, userId, "revoked_by_admin", at),
  ]);
  dispatchDeliveries(c, results);
  const [revoked] = results;
  return c.json({ success: true as const, data: { revoked: revoked?.meta.changes ?? 0 } }, 200);
};

export const listProjectUserFactorsHandler: RouteHandler<typeof listProjectUserFactors, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  await requireUser(c, projectId, userId);
  const [factors, passkeys] = await Promise.all([getFactorSummary(c.env.DB, projectId, userId), listUserPasskeys(c.env.DB, projectId, userId)]);
  return c.json({ success: true as const, data: toUserFactors(factors, passkeys.results) }, 200);
};

export const resetProjectUserFactorsHandler: RouteHandler<typeof resetProjectUserFactors, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  const before = await requireUser(c, projectId, userId).then(() => getFactorSummary(c.env.DB, projectId, userId));
  const at = iso();
  const results = await c.env.DB.batch([
    ...deleteTotp(c.env.DB, projectId, userId),
    deleteUserPasskeys(c.env.DB, projectId, userId),
    spendUserChallenges(c.env.DB, projectId, userId, at),
    revokeUserSessions(c.env.DB, projectId, userId, "factors_reset", at),
    insertAudit(
      c.env.DB,
      userAudit(c, projectId, userId, "admin.user.factors_reset", at, { totp: before.totp_confirmed_at !== null, passkeys: before.passkeys }),
    ),
  ]);
  return c.json({ success: true as const, data: { reset: true as const, sessionsEnded: results[4]?.meta.changes ?? 0 } }, 200);
};

export const listProjectUserSessionsHandler: RouteHandler<typeof listProjectUserSessions, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  const [project] = await Promise.all([getProject(c.env.DB, projectId), requireUser(c, projectId, userId)]);
  if (!project) throw noSuchUser();
  const at = now();
  const maxAge = project.session_max_age * 1000;
  const { results } = await listLiveSessions(c.env.DB, projectId, userId, iso(at), iso(at - maxAge));
  return c.json({ success: true as const, data: results.map((s) => toAdminUserSession(s, Date.parse(s.created_at) + maxAge)) }, 200);
};

export const endProjectUserSessionHandler: RouteHandler<typeof endProjectUserSession, AppEnv> = async (c) => {
  const { projectId, userId, sessionId } = c.req.valid("param");
  await requireUser(c, projectId, userId);
  const at = iso();
  const db = c.env.DB;
  // The audit row and the event exist only if this very call ended the session (another user's session id changes nothing).
  const results = await db.batch([
    revokeSession(db, projectId, sessionId, "revoked_by_admin", at, userId),
    insertAuditIf(db, userAudit(c, projectId, userId, "admin.user.session.end", at, { sessionId }), sessionRevokedAt(sessionId, at)),
    ...sessionEvent(db, projectId, "session.revoked", sessionId, at),
  ]);
  dispatchDeliveries(c, results);
  if (results[0]?.meta.changes !== 1) throw new ApiError("NOT_FOUND", "No live session with this id for this user");
  return c.json({ success: true as const, data: { ended: true as const } }, 200);
};

export const listProjectUserIdentitiesHandler: RouteHandler<typeof listProjectUserIdentities, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  await requireUser(c, projectId, userId);
  const { results } = await listUserIdentities(c.env.DB, projectId, userId);
  return c.json({ success: true as const, data: results.map(toUserIdentity) }, 200);
};

export const listProjectUserConsentsHandler: RouteHandler<typeof listProjectUserConsents, AppEnv> = async (c) => {
  const { projectId, userId } = c.req.valid("param");
  await requireUser(c, projectId, userId);
  const { results } = await listUserConsents(c.env.DB, projectId, userId);
  return c.json({ success: true as const, data: results.map(toConnectedApp) }, 200);
};

export const revokeProjectUserConsentHandler: RouteHandler<typeof revokeProjectUserConsent, AppEnv> = async (c) => {
  const { projectId, userId, clientId } = c.req.valid("param");
  await requireUser(c, projectId, userId);
  const audit = userAudit(c, projectId, userId, "admin.consent.revoke", iso(), { clientId });
  const endedSessions = await withdrawConsent(c, projectId, userId, clientId, "consent_revoked_by_admin", audit);
  if (endedSessions === null) throw new ApiError("NOT_FOUND", "This user has no consent for this client");
  return c.json({ success: true as const, data: { revoked: true as const, endedSessions } }, 200);
};
