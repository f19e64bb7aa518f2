import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ADMIN_MFA_MAX_ATTEMPTS, ADMIN_TOTP_ISSUER, RECOVERY_CODE_COUNT } from "../../config";
import { sha256Hex } from "../../crypto/random";
import { matchTotp, newRecoveryCodes, newTotpSecret, otpauthUri } from "../../crypto/totp";
import {
  attemptAdminMfaChallenge,
  confirmTotp,
  deleteAdminTotp,
  getAdminTotp,
  replaceRecoveryCodes,
  spendAdminMfaChallenge,
  upsertPendingTotp,
} from "../../db/admin-mfa.repo";
import { getAdmin } from "../../db/admins.repo";
import { insertAudit } from "../../db/audit.repo";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { type Held, succeeded, take } from "../../lib/rate-limit";
import { adminAction, auditEntry } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { sealingSecrets } from "../../crypto/box";
import { methodOf, openTotpSecret, type Proof, sealTotpSecret, spendProof } from "./admin-mfa.factor";
import type * as routes from "./admin-mfa.routes";
import { startAdminSession } from "./admin-session.start";

/** Counts one second-factor attempt of `adminId` before its code is checked (rule admin_mfa.account). */
const takeAttempt = (c: Context<AppEnv>, adminId: string): Promise<Held> => take(c, "admin", [{ rule: "admin_mfa.account", key: adminId }]);

const invalidToken = () => new ApiError("INVALID_TOKEN", "The mfaToken is unknown, used or expired; log in again");

export const adminLoginMfaHandler: RouteHandler<typeof routes.adminLoginMfa, AppEnv> = async (c) => {
  const { mfaToken, ...rest } = c.req.valid("json");
  const proof = rest as Proof;
  const t = now();
  // The attempt is counted on the challenge before the code is checked, so parallel guesses cannot exceed the cap.
  const challenge = await attemptAdminMfaChallenge(c.env.DB, await sha256Hex(mfaToken), iso(t), ADMIN_MFA_MAX_ATTEMPTS);
  if (!challenge) throw invalidToken();
  const held = await takeAttempt(c, challenge.admin_id);
  const [admin, factor] = await Promise.all([getAdmin(c.env.DB, challenge.admin_id), getAdminTotp(c.env.DB, challenge.admin_id)]);
  const who = { actorType: "anonymous", targetType: "admin", targetId: challenge.admin_id } as const;
  const method = methodOf(proof);
  if (!admin || admin.disabled || !factor) {
    await insertAudit(
      c.env.DB,
      auditEntry(c, { ...who, type: "admin.mfa.verify", outcome: "failure", details: { method, reason: "admin_unavailable" } }),
    ).run();
    throw invalidToken();
  }
  if (!(await spendProof(c.env.DB, sealingSecrets(c.env), factor, proof, t))) {
    await insertAudit(
      c.env.DB,
      auditEntry(c, { ...who, type: "admin.mfa.verify", outcome: "failure", details: { method, reason: "invalid_code", attempt: challenge.attempts } }),
    ).run();
    throw new ApiError("INVALID_CODE", "The code is wrong, expired or already used");
  }
  // Exactly one request spends the challenge, whatever else raced it with another valid proof.
  if (!(await spendAdminMfaChallenge(c.env.DB, challenge.id, iso(t)))) throw invalidToken();
  const verified = insertAudit(
    c.env.DB,
    auditEntry(c, { ...who, actorType: "admin", actorId: admin.id, type: "admin.mfa.verify", outcome: "success", details: { method } }),
  );
  const [data] = await Promise.all([startAdminSession(c, admin, [verified], { mfa: method }), succeeded(c, held)]);
  return c.json({ success: true as const, data }, 200);
};

export const enrollAdminTotpHandler: RouteHandler<typeof routes.enrollAdminTotp, AppEnv> = async (c) => {
  const admin = c.get("admin");
  const secret = newTotpSecret();
  const box = await sealTotpSecret(sealingSecrets(c.env), admin.id, secret);
  if (!(await upsertPendingTotp(c.env.DB, admin.id, box, iso()).first())) throw new ApiError("CONFLICT", "TOTP is already on; turn it off first");
  return c.json({ success: true as const, data: { secret, otpauthUrl: otpauthUri(secret, ADMIN_TOTP_ISSUER, admin.email) } }, 200);
};

export const confirmAdminTotpHandler: RouteHandler<typeof routes.confirmAdminTotp, AppEnv> = async (c) => {
  const admin = c.get("admin");
  const { code } = c.req.valid("json");
  const factor = await getAdminTotp(c.env.DB, admin.id);
  if (!factor || factor.confirmed_at) throw new ApiError("CONFLICT", "No pending TOTP enrollment; call POST /api/admin/me/mfa/totp/enroll first");
  const held = await takeAttempt(c, admin.id);
  const t = now();
  const step = await matchTotp(await openTotpSecret(sealingSecrets(c.env), factor), code, t);
  if (step === null) throw new ApiError("INVALID_CODE", "The code does not match the pending secret");
  // Conditional on the very secret checked: a concurrent re-enroll or confirm makes this one lose.
  if (!(await confirmTotp(c.env.DB, admin.id, factor.secret_box, step, iso(t)).first()))
    throw new ApiError("CONFLICT", "The pending enrollment changed; enroll again");
  const { codes: recoveryCodes, hashes } = await newRecoveryCodes(RECOVERY_CODE_COUNT);
  await Promise.all([
    c.env.DB.batch([
      ...replaceRecoveryCodes(c.env.DB, admin.id, hashes, iso(t)),
      insertAudit(c.env.DB, adminAction(c, { type: "admin.mfa.enrolled", targetType: "admin", targetId: admin.id, details: { method: "totp" } })),
    ]),
    succeeded(c, held),
  ]);
  return c.json({ success: true as const, data: { recoveryCodes } }, 200);
};

export const disableAdminTotpHandler: RouteHandler<typeof routes.disableAdminTotp, AppEnv> = async (c) => {
  const admin = c.get("admin");
  const proof = c.req.valid("json") as Proof;
  const factor = await getAdminTotp(c.env.DB, admin.id);
  if (!factor?.confirmed_at) throw new ApiError("CONFLICT", "TOTP is not on");
  const held = await takeAttempt(c, admin.id);
  const method = methodOf(proof);
  if (!(await spendProof(c.env.DB, sealingSecrets(c.env), factor, proof, now()))) {
    await insertAudit(
      c.env.DB,
      auditEntry(c, {
        type: "admin.mfa.disabled",
        outcome: "failure",
        actorType: "admin",
        actorId: admin.id,
        targetType: "admin",
        targetId: admin.id,
        details: { method },
      }),
    ).run();
    throw new ApiError("INVALID_CODE", "The code is wrong, expired or already used");
  }
  await Promise.all([
    c.env.DB.batch([
      ...deleteAdminTotp(c.env.DB, admin.id),
      insertAudit(c.env.DB, adminAction(c, { type: "admin.mfa.disabled", targetType: "admin", targetId: admin.id, details: { method } })),
    ]),
    succeeded(c, held),
  ]);
  return c.json({ success: true as const, data: { disabled: true as const } }, 200);
};
