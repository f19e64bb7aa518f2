import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { hashPassword, needsRehash, passwordProblem, peppersOf, verifyAgainstDummy, verifyPassword } from "../../crypto/password";
import { randomId } from "../../crypto/random";
import { hasConfirmedTotp } from "../../db/admin-mfa.repo";
import { insertAudit } from "../../db/audit.repo";
import { revokeAdminSession, revokeAdminSessions } from "../../db/admin-sessions.repo";
import { findAdminByEmail, getAdmin, hasAdmins, insertFirstOwner, updateAdmin, type AdminRow } from "../../db/admins.repo";
import { normalizeEmail } from "../../db/users.repo";
import { ApiError } from "../../errors";
import { iso } from "../../lib/clock";
import { loginSubjects, succeeded, take } from "../../lib/rate-limit";
import { auditEntry } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toAdmin } from "../admins/admins.mappers";
import { startAdminMfaChallenge, startAdminSession } from "./admin-session.start";
import type { adminChangePassword, adminLogin, adminLogout, adminMe } from "./admin-session.routes";

/** On an empty admins table, the configured ADMIN_EMAIL becomes the first owner. */
async function bootstrapOwner(c: Context<AppEnv>, email: string): Promise<AdminRow | null> {
  const { ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD_PEPPER } = c.env;
  if (!ADMIN_EMAIL || !ADMIN_PASSWORD || normalizeEmail(email) !== normalizeEmail(ADMIN_EMAIL)) return null;
  if (await hasAdmins(c.env.DB)) return null;
  // The owner's password obeys the policy every other password does; the caller answers 401 as for any failure.
  const problem = passwordProblem(ADMIN_PASSWORD);
  if (problem) {
    console.error(
      JSON.stringify({
        level: "error",
        requestId: c.get("requestId"),
        error: `bootstrap owner not created: ADMIN_PASSWORD ${problem}; set a stronger one (wrangler secret put ADMIN_PASSWORD)`,
      }),
    );
    await insertAudit(
      c.env.DB,
      auditEntry(c, { type: "admin.bootstrap", outcome: "failure", actorType: "system", targetType: "admin", details: { reason: "weak_password" } }),
    ).run();
    return null;
  }
  const id = randomId("adm");
  const at = iso();
  await c.env.DB.batch([
    insertFirstOwner(c.env.DB, {
      id,
      email: ADMIN_EMAIL,
      displayName: "Owner",
      passwordHash: await hashPassword(ADMIN_PASSWORD, PASSWORD_PEPPER),
      createdAt: at,
    }),
    insertAudit(c.env.DB, auditEntry(c, { type: "admin.bootstrap", outcome: "success", actorType: "system", targetType: "admin", targetId: id, at })),
  ]);
  return findAdminByEmail(c.env.DB, email);
}

export const adminLoginHandler: RouteHandler<typeof adminLogin, AppEnv> = async (c) => {
  const { email, password } = c.req.valid("json");
  const pepper = c.env.PASSWORD_PEPPER;
  // Counted before any hashing: a burst gets no more guesses than the limits allow.
  const held = await take(c, "admin", loginSubjects(c, "admin_login", normalizeEmail(email)));
  const admin = (await findAdminByEmail(c.env.DB, email)) ?? (await bootstrapOwner(c, email));
  // One scrypt evaluation on every path: responses and timing do not reveal which admins exist.
  const valid = admin ? await verifyPassword(password, admin.password_hash, peppersOf(c.env)) : await verifyAgainstDummy(password, peppersOf(c.env));
  if (!admin || !valid || admin.disabled) {
    const reason = !admin || !valid ? "invalid_credentials" : "admin_disabled";
    await insertAudit(
      c.env.DB,
      auditEntry(c, { type: "admin.login", outcome: "failure", actorType: "anonymous", targetType: "admin", targetId: admin?.id ?? null, details: { reason } }),
    ).run();
    throw new ApiError("INVALID_CREDENTIALS", "Email or password is incorrect");
  }
  const rehash = needsRehash(admin.password_hash, pepper)
    ? [updateAdmin(c.env.DB, admin.id, { passwordHash: await hashPassword(password, pepper) }, iso())]
    : [];
  if (await hasConfirmedTotp(c.env.DB, admin.id)) {
    const [challenge] = await Promise.all([startAdminMfaChallenge(c, admin, rehash), succeeded(c, held)]);
    return c.json({ success: true as const, data: challenge }, 200);
  }
  const [data] = await Promise.all([startAdminSession(c, admin, rehash), succeeded(c, held)]);
  return c.json({ success: true as const, data }, 200);
};

export const adminLogoutHandler: RouteHandler<typeof adminLogout, AppEnv> = async (c) => {
  const admin = c.get("admin");
  await c.env.DB.batch([
    revokeAdminSession(c.env.DB, admin.sessionId, iso()),
    insertAudit(
      c.env.DB,
      auditEntry(c, { type: "admin.logout", outcome: "success", actorType: "admin", actorId: admin.id, targetType: "admin", targetId: admin.id }),
    ),
  ]);
  return c.json({ success: true as const, data: { loggedOut: true as const } }, 200);
};

export const adminMeHandler: RouteHandler<typeof adminMe, AppEnv> = (c) => {
  const admin = c.get("admin");
  return c.json({ success: true as const, data: { ...toAdmin(admin), mfa: { totp: admin.totp } } }, 200);
};

export const adminChangePasswordHandler: RouteHandler<typeof adminChangePassword, AppEnv> = async (c) => {
  const admin = c.get("admin");
  const { currentPassword, newPassword } = c.req.valid("json");
  const pepper = c.env.PASSWORD_PEPPER;
  const who = { actorType: "admin", actorId: admin.id, targetType: "admin", targetId: admin.id } as const;
  // The current password is a guessable secret too: counted with admin login's failures.
  const held = await take(c, "admin", loginSubjects(c, "admin_login", normalizeEmail(admin.email)));
  const row = await getAdmin(c.env.DB, admin.id);
  if (!row || !(await verifyPassword(currentPassword, row.password_hash, peppersOf(c.env)))) {
    await insertAudit(c.env.DB, auditEntry(c, { ...who, type: "admin.password.change", outcome: "failure" })).run();
    throw new ApiError("INVALID_CREDENTIALS", "Current password is incorrect");
  }
  const at = iso();
  const [, ended] = await c.env.DB.batch([
    updateAdmin(c.env.DB, admin.id, { passwordHash: await hashPassword(newPassword, pepper) }, at),
    revokeAdminSessions(c.env.DB, admin.id, at, admin.sessionId),
    insertAudit(c.env.DB, auditEntry(c, { ...who, type: "admin.password.change", outcome: "success", at })),
  ]);
  await succeeded(c, held);
  return c.json({ success: true as const, data: { otherSessionsEnded: ended?.meta.changes ?? 0 } }, 200);
};
