import type { RouteHandler } from "@hono/zod-openapi";
import { hashPassword, peppersOf, verifyPassword } from "../../crypto/password";
import { insertAudit, insertAuditIf } from "../../db/audit.repo";
import { spendUserTokens } from "../../db/one-time-tokens.repo";
import { listLiveSessions, revokeSession, revokeUserSessions, sessionRevokedAt } from "../../db/sessions.repo";
import { getUser, normalizeEmail, setPasswordHash, updateProfile, type UserRow } from "../../db/users.repo";
import { revokedSessionsEvent, sessionEvent, userEvent } from "../../db/webhooks.repo";
import { dispatchDeliveries } from "../../webhooks/delivery";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { loginSubjects, overridesOf, succeeded, take } from "../../lib/rate-limit";
import { auditEntry } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toProfile, toSession } from "./auth.mappers";
import type { changePassword, deleteSession, getMe, listSessions, updateMe } from "./me.routes";
import { absoluteEndOf } from "./session-tokens";

// The user, session and second factors all come from the one query every user route shares.
export const getMeHandler: RouteHandler<typeof getMe, AppEnv> = (c) => c.json({ success: true as const, data: toProfile(c.get("auth").user) }, 200);

export const updateMeHandler: RouteHandler<typeof updateMe, AppEnv> = async (c) => {
  const { user } = c.get("auth");
  const [projectId, at] = [c.get("project").id, iso()];
  const results = await c.env.DB.batch([
    updateProfile(c.env.DB, projectId, user.id, c.req.valid("json"), at),
    ...userEvent(c.env.DB, projectId, "user.updated", user.id, at),
  ]);
  dispatchDeliveries(c, results);
  const updated = results[0]!.results[0] as UserRow | undefined;
  if (!updated) throw new ApiError("NOT_FOUND", "User no longer exists");
  return c.json({ success: true as const, data: toProfile({ ...user, ...updated }) }, 200);
};

export const changePasswordHandler: RouteHandler<typeof changePassword, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user, claims } = c.get("auth");
  const { currentPassword, newPassword } = c.req.valid("json");
  const pepper = c.env.PASSWORD_PEPPER;
  // The current password is a guessable secret too (e.g. with a stolen access token): counted with login's failures.
  const held = await take(c, project.id, loginSubjects(c, "login", normalizeEmail(user.email)), overridesOf(project.rate_limits));
  const row = await getUser(c.env.DB, project.id, user.id);
  const who = { projectId: project.id, actorType: "user", actorId: user.id, targetType: "user", targetId: user.id } as const;
  if (!row?.password_hash || !(await verifyPassword(currentPassword, row.password_hash, peppersOf(c.env)))) {
    await c.env.DB.batch([
      insertAudit(c.env.DB, auditEntry(c, { ...who, type: "auth.password.change", outcome: "failure", details: { reason: "wrong_current_password" } })),
    ]);
    throw new ApiError("INVALID_CREDENTIALS", "Current password is incorrect");
  }
  const at = iso();
  const results = await c.env.DB.batch([
    setPasswordHash(c.env.DB, project.id, user.id, await hashPassword(newPassword, pepper), at),
    revokeUserSessions(c.env.DB, project.id, user.id, "password_changed", at, claims.sid),
    insertAudit(c.env.DB, auditEntry(c, { ...who, type: "auth.password.change", outcome: "success", at })),
    // A reset link mailed before the change must not undo it.
    spendUserTokens(c.env.DB, project.id, user.id, "reset_password", at),
    ...userEvent(c.env.DB, project.id, "user.password_changed", user.id, at),
    ...revokedSessionsEvent(c.env.DB, project.id, user.id, "password_changed", at),
  ]);
  dispatchDeliveries(c, results);
  await succeeded(c, held);
  return c.json({ success: true as const, data: { otherSessionsEnded: results[1]?.meta.changes ?? 0 } }, 200);
};

export const listSessionsHandler: RouteHandler<typeof listSessions, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user, claims } = c.get("auth");
  const at = now();
  const { results } = await listLiveSessions(c.env.DB, project.id, user.id, iso(at), iso(at - project.session_max_age * 1000));
  return c.json({ success: true as const, data: results.map((s) => toSession(s, claims.sid, absoluteEndOf(project, s.created_at))) }, 200);
};

export const deleteSessionHandler: RouteHandler<typeof deleteSession, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user } = c.get("auth");
  const { sessionId } = c.req.valid("param");
  const at = iso();
  const results = await c.env.DB.batch([
    revokeSession(c.env.DB, project.id, sessionId, "ended_by_user", at, user.id),
    insertAuditIf(
      c.env.DB,
      auditEntry(c, {
        type: "auth.session.end",
        outcome: "success",
        actorType: "user",
        actorId: user.id,
        projectId: project.id,
        targetType: "session",
        targetId: sessionId,
        at,
      }),
      sessionRevokedAt(sessionId, at),
    ),
    ...sessionEvent(c.env.DB, project.id, "session.revoked", sessionId, at),
  ]);
  dispatchDeliveries(c, results);
  if (results[0]?.meta.changes !== 1) throw new ApiError("NOT_FOUND", "No live session with this id");
  return c.json({ success: true as const, data: { ended: true as const } }, 200);
};
