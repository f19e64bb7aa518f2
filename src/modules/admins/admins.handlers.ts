import type { RouteHandler } from "@hono/zod-openapi";
import { hashPassword } from "../../crypto/password";
import { randomId } from "../../crypto/random";
import { insertAudit } from "../../db/audit.repo";
import { deleteAdminTotp } from "../../db/admin-mfa.repo";
import { revokeAdminSessions, revokeSessionsIfDisabled } from "../../db/admin-sessions.repo";
import { deleteAdmin, getAdmin, insertAdmin, listAdmins, updateAdmin, type AdminRow } from "../../db/admins.repo";
import { isUniqueViolation } from "../../db/sql";
import { normalizeEmail } from "../../db/users.repo";
import { ApiError } from "../../errors";
import { iso } from "../../lib/clock";
import { forget } from "../../lib/rate-limit";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toAdmin } from "./admins.mappers";
import type * as routes from "./admins.routes";

export const listAdminsHandler: RouteHandler<typeof routes.listAdmins, AppEnv> = async (c) => {
  const { results } = await listAdmins(c.env.DB);
  return c.json({ success: true as const, data: results.map(toAdmin) }, 200);
};

export const createAdminHandler: RouteHandler<typeof routes.createAdmin, AppEnv> = async (c) => {
  const { email, password, displayName, role } = c.req.valid("json");
  const id = randomId("adm");
  const at = iso();
  try {
    const [inserted] = await c.env.DB.batch([
      insertAdmin(c.env.DB, {
        id,
        email,
        displayName: displayName ?? null,
        passwordHash: await hashPassword(password, c.env.PASSWORD_PEPPER),
        role,
        createdAt: at,
      }),
      insertAudit(c.env.DB, adminAction(c, { type: "admin.admin.create", targetType: "admin", targetId: id, details: { role }, at })),
    ]);
    return c.json({ success: true as const, data: toAdmin(inserted!.results[0] as AdminRow) }, 201);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError("CONFLICT", "An admin with this email already exists");
    throw err;
  }
};

export const updateAdminHandler: RouteHandler<typeof routes.updateAdmin, AppEnv> = async (c) => {
  const { adminId } = c.req.valid("param");
  const changes = c.req.valid("json");
  const at = iso();
  const statements = [updateAdmin(c.env.DB, adminId, changes, at)];
  if (changes.disabled) statements.push(revokeSessionsIfDisabled(c.env.DB, adminId, at));
  const [updated] = await c.env.DB.batch(statements);
  const row = updated!.results[0] as AdminRow | undefined;
  if (!row) {
    if (!(await getAdmin(c.env.DB, adminId))) throw new ApiError("NOT_FOUND", "No admin with this id");
    throw new ApiError("CONFLICT", "The last enabled owner cannot be demoted or disabled");
  }
  await insertAudit(
    c.env.DB,
    adminAction(c, { type: "admin.admin.update", targetType: "admin", targetId: adminId, details: { changed: Object.keys(changes), ...changes }, at }),
  ).run();
  return c.json({ success: true as const, data: toAdmin(row) }, 200);
};

export const deleteAdminHandler: RouteHandler<typeof routes.deleteAdmin, AppEnv> = async (c) => {
  const { adminId } = c.req.valid("param");
  const [deleted] = await c.env.DB.batch([deleteAdmin(c.env.DB, adminId)]);
  if (deleted!.results.length !== 1) {
    if (!(await getAdmin(c.env.DB, adminId))) throw new ApiError("NOT_FOUND", "No admin with this id");
    throw new ApiError("CONFLICT", "The last enabled owner cannot be deleted");
  }
  await insertAudit(c.env.DB, adminAction(c, { type: "admin.admin.delete", targetType: "admin", targetId: adminId })).run();
  return c.json({ success: true as const, data: { deleted: true as const } }, 200);
};

export const clearAdminLockoutHandler: RouteHandler<typeof routes.clearAdminLockout, AppEnv> = async (c) => {
  const { adminId } = c.req.valid("param");
  const target = await getAdmin(c.env.DB, adminId);
  if (!target) throw new ApiError("NOT_FOUND", "No admin with this id");
  await forget(c, "admin", [{ rule: "admin_login.account", key: normalizeEmail(target.email) }]);
  await insertAudit(c.env.DB, adminAction(c, { type: "admin.lockout.clear", targetType: "admin", targetId: adminId })).run();
  return c.json({ success: true as const, data: { cleared: true as const } }, 200);
};

export const resetAdminMfaHandler: RouteHandler<typeof routes.resetAdminMfa, AppEnv> = async (c) => {
  const { adminId } = c.req.valid("param");
  const caller = c.get("admin");
  if (!(await getAdmin(c.env.DB, adminId))) throw new ApiError("NOT_FOUND", "No admin with this id");
  const at = iso();
  const [removed, , , ended] = await c.env.DB.batch([
    ...deleteAdminTotp(c.env.DB, adminId),
    revokeAdminSessions(c.env.DB, adminId, at, adminId === caller.id ? caller.sessionId : ""),
    insertAudit(c.env.DB, adminAction(c, { type: "admin.mfa.reset", targetType: "admin", targetId: adminId, at })),
  ]);
  await forget(c, "admin", [{ rule: "admin_mfa.account", key: adminId }]);
  const hadTotp = removed!.results.length === 1;
  return c.json({ success: true as const, data: { hadTotp, sessionsEnded: ended?.meta.changes ?? 0 } }, 200);
};
