// The two ends of an admin's password login: a session, or (TOTP on) a challenge that
// POST /api/admin/login/mfa turns into the same session.
import type { Context } from "hono";
import { ADMIN_ABSOLUTE_MS, ADMIN_MFA_CHALLENGE_TTL_MS } from "../../config";
import { randomId, randomToken, sha256Hex } from "../../crypto/random";
import { insertAdminMfaChallenge } from "../../db/admin-mfa.repo";
import { insertAdminSession } from "../../db/admin-sessions.repo";
import { type AdminRow, touchAdminLogin } from "../../db/admins.repo";
import { insertAudit } from "../../db/audit.repo";
import { iso, now } from "../../lib/clock";
import { auditEntry, clientIp, userAgent } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toAdmin } from "../admins/admins.mappers";

/** Starts a session for `admin` (audited `admin.login`), with `also` in the same batch (a rehash, the second factor's audit row). */
export async function startAdminSession(c: Context<AppEnv>, admin: AdminRow, also: D1PreparedStatement[] = [], details?: Record<string, unknown>) {
  const token = randomToken("as");
  const t = now();
  const expiresAt = iso(t + ADMIN_ABSOLUTE_MS);
  await c.env.DB.batch([
    insertAdminSession(c.env.DB, {
      id: randomId("ads"),
      tokenHash: await sha256Hex(token),
      adminId: admin.id,
      ip: clientIp(c),
      userAgent: userAgent(c),
      createdAt: iso(t),
      expiresAt,
    }),
    touchAdminLogin(c.env.DB, admin.id, iso(t)),
    insertAudit(
      c.env.DB,
      auditEntry(c, { type: "admin.login", outcome: "success", actorType: "admin", actorId: admin.id, targetType: "admin", targetId: admin.id, details }),
    ),
    ...also,
  ]);
  return { sessionToken: token, expiresAt, admin: toAdmin({ ...admin, last_login_at: iso(t) }) };
}

/** The password was right and TOTP is on: a single-use challenge instead of a session (audited `admin.mfa.challenge`). */
export async function startAdminMfaChallenge(c: Context<AppEnv>, admin: AdminRow, also: D1PreparedStatement[] = []) {
  const token = randomToken("amfa");
  const t = now();
  await c.env.DB.batch([
    ...insertAdminMfaChallenge(c.env.DB, {
      id: randomId("amc"),
      tokenHash: await sha256Hex(token),
      adminId: admin.id,
      createdAt: iso(t),
      expiresAt: iso(t + ADMIN_MFA_CHALLENGE_TTL_MS),
    }),
    insertAudit(c.env.DB, auditEntry(c, { type: "admin.mfa.challenge", outcome: "success", actorType: "anonymous", targetType: "admin", targetId: admin.id })),
    ...also,
  ]);
  return { mfaRequired: true as const, mfaToken: token, methods: ["totp" as const, "recovery_code" as const], expiresIn: ADMIN_MFA_CHALLENGE_TTL_MS / 1000 };
}
