// TOTP enrollment, recovery codes and the answer to a sign-in's second-factor challenge.
// Every acceptance of a code is a conditional UPDATE (a TOTP step after the last accepted one, an
// unused recovery code), and what depends on it (the challenge's spend, turning TOTP on or off)
// sits in the same batch behind a guard on that very acceptance.
import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { MFA_CHALLENGE_MAX_ATTEMPTS, RECOVERY_CODE_COUNT, TOTP_WINDOW_STEPS } from "../../config";
import { openSealed, seal, sealingSecrets } from "../../crypto/box";
import { randomId, sha256Hex } from "../../crypto/random";
import { matchTotp, newRecoveryCodes, newTotpSecret, otpauthUri, recoveryCodeHash, totpSecretPurpose } from "../../crypto/totp";
import { insertAudit, type AuditEntry } from "../../db/audit.repo";
import { challengeLive, countWrongAttempt, getMfaChallenge, spendMfaChallenge, type MfaChallengeRow } from "../../db/mfa-challenges.repo";
import { addSessionAmr } from "../../db/sessions.repo";
import type { Guard } from "../../db/sql";
import {
  acceptTotpStep,
  deleteTotp,
  getTotp,
  recoveryCodeSpentBy,
  replaceRecoveryCodes,
  spendRecoveryCode,
  totpAcceptedBy,
  upsertPendingTotp,
  type TotpRow,
} from "../../db/totp.repo";
import { getUser, touchLogin } from "../../db/users.repo";
import { ApiError } from "../../errors";
import { type Amr, amrOf } from "../../lib/amr";
import { iso, now } from "../../lib/clock";
import { overridesOf, succeeded, take, unknownToken, type Held } from "../../lib/rate-limit";
import { auditEntry } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toUser } from "./auth.mappers";
import { factorEnrolledEvent } from "../../db/webhooks.repo";
import { dispatchDeliveries } from "../../webhooks/delivery";
import type { confirmTotp, disableTotp, enrollTotp, regenerateRecoveryCodes, verifyMfa } from "./mfa.routes";
import { startSession } from "./session-tokens";

async function openSecret(c: Context<AppEnv>, row: TotpRow): Promise<string> {
  const secret = await openSealed(sealingSecrets(c.env), totpSecretPurpose(row.project_id, row.user_id), row.secret_box);
  if (secret === null) throw new Error(`TOTP secret of ${row.user_id} cannot be decrypted with the configured KEY_ENCRYPTION_SECRET`);
  return secret;
}

const invalidCode = () => new ApiError("INVALID_CODE", "The code is wrong or was already used");
const totpOff = () => new ApiError("CONFLICT", "TOTP is not on for this account");

/** Wrong second-factor codes of an account: counted before checking (backoff), forgiven on success. */
const holdAttempt = (c: Context<AppEnv>, userId: string): Promise<Held> => {
  const project = c.get("project");
  return take(c, project.id, [{ rule: "mfa.account", key: userId }], overridesOf(project.rate_limits));
};

/** The current user's audit entry for an mfa event. */
const userAudit = (c: Context<AppEnv>, userId: string, type: string, outcome: AuditEntry["outcome"], details?: Record<string, unknown>) =>
  auditEntry(c, { type, outcome, actorType: "user", actorId: userId, projectId: c.get("project").id, targetType: "user", targetId: userId, details });

/**
 * The statement accepting `code` (TOTP) or `recoveryCode` for the user, only when `onlyIf` holds,
 * and the guard that holds once it did; null when the code cannot be right (no factor, wrong code, replayed step).
 */
async function acceptance(
  c: Context<AppEnv>,
  userId: string,
  body: { code?: string; recoveryCode?: string },
  onlyIf?: Guard,
): Promise<{ statement: D1PreparedStatement; accepted: Guard; method: Amr } | null> {
  const projectId = c.get("project").id;
  const use = randomId("use");
  const totp = await getTotp(c.env.DB, projectId, userId);
  if (!totp?.confirmed_at) return null;
  if (body.recoveryCode !== undefined) {
    const codeHash = await recoveryCodeHash(body.recoveryCode);
    return {
      statement: spendRecoveryCode(c.env.DB, { projectId, userId, codeHash, use, at: iso() }, onlyIf),
      accepted: recoveryCodeSpentBy(projectId, userId, use),
      method: "recovery_code",
    };
  }
  const step = await matchTotp(await openSecret(c, totp), body.code ?? "", now(), TOTP_WINDOW_STEPS);
  if (step === null || (totp.last_step !== null && step <= totp.last_step)) return null;
  return { statement: acceptTotpStep(c.env.DB, { projectId, userId, step, use }, onlyIf), accepted: totpAcceptedBy(projectId, userId, use), method: "otp" };
}

export const enrollTotpHandler: RouteHandler<typeof enrollTotp, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user } = c.get("auth");
  const secret = newTotpSecret();
  const box = await seal(sealingSecrets(c.env).current, totpSecretPurpose(project.id, user.id), secret);
  const [upsert] = await c.env.DB.batch([upsertPendingTotp(c.env.DB, project.id, user.id, box, iso())]);
  if (upsert?.meta.changes !== 1) throw new ApiError("CONFLICT", "TOTP is already on; turn it off first to enroll a new authenticator");
  await c.env.DB.batch([insertAudit(c.env.DB, userAudit(c, user.id, "auth.mfa.totp.enroll", "success"))]);
  return c.json({ success: true as const, data: { secret, otpauthUrl: otpauthUri(secret, project.name, user.email) } }, 200);
};

export const confirmTotpHandler: RouteHandler<typeof confirmTotp, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user, claims } = c.get("auth");
  const pending = await getTotp(c.env.DB, project.id, user.id);
  if (!pending || pending.confirmed_at) throw new ApiError("CONFLICT", pending ? "TOTP is already on" : "No pending TOTP enrollment; call enroll first");
  const held = await holdAttempt(c, user.id);
  const step = await matchTotp(await openSecret(c, pending), c.req.valid("json").code, now(), TOTP_WINDOW_STEPS);
  const at = iso();
  const use = randomId("use");
  const { codes, hashes } = await newRecoveryCodes(RECOVERY_CODE_COUNT);
  const accepted = totpAcceptedBy(project.id, user.id, use);
  const results =
    step === null
      ? null
      : await c.env.DB.batch([
          acceptTotpStep(c.env.DB, { projectId: project.id, userId: user.id, step, use, pending: true, confirmAt: at }),
          ...replaceRecoveryCodes(c.env.DB, project.id, user.id, hashes, at, accepted),
          ...factorEnrolledEvent(c.env.DB, project.id, user.id, at),
        ]);
  if (results) dispatchDeliveries(c, results);
  if (results?.[0]?.meta.changes !== 1) {
    await c.env.DB.batch([insertAudit(c.env.DB, userAudit(c, user.id, "auth.mfa.totp.confirm", "failure", { reason: "invalid_code" }))]);
    throw invalidCode();
  }
  // This session just proved the factor: its next access token (after a refresh) carries otp and is unrestricted.
  await Promise.all([
    succeeded(c, held),
    c.env.DB.batch([addSessionAmr(c.env.DB, project.id, claims.sid, "otp"), insertAudit(c.env.DB, userAudit(c, user.id, "auth.mfa.totp.confirm", "success"))]),
  ]);
  return c.json({ success: true as const, data: { recoveryCodes: codes } }, 200);
};

export const disableTotpHandler: RouteHandler<typeof disableTotp, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user } = c.get("auth");
  const totp = await getTotp(c.env.DB, project.id, user.id);
  if (!totp?.confirmed_at) throw totpOff();
  const held = await holdAttempt(c, user.id);
  const accept = await acceptance(c, user.id, c.req.valid("json"));
  const results = accept ? await c.env.DB.batch([accept.statement, ...deleteTotp(c.env.DB, project.id, user.id, accept.accepted)]) : null;
  if (!results?.[1]?.results.length) {
    await c.env.DB.batch([insertAudit(c.env.DB, userAudit(c, user.id, "auth.mfa.totp.disable", "failure", { reason: "invalid_code" }))]);
    throw invalidCode();
  }
  await Promise.all([
    succeeded(c, held),
    c.env.DB.batch([insertAudit(c.env.DB, userAudit(c, user.id, "auth.mfa.totp.disable", "success", { method: accept!.method }))]),
  ]);
  return c.json({ success: true as const, data: { disabled: true as const } }, 200);
};

export const regenerateRecoveryCodesHandler: RouteHandler<typeof regenerateRecoveryCodes, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user } = c.get("auth");
  const totp = await getTotp(c.env.DB, project.id, user.id);
  if (!totp?.confirmed_at) throw totpOff();
  const held = await holdAttempt(c, user.id);
  const accept = await acceptance(c, user.id, { code: c.req.valid("json").code });
  const { codes, hashes } = await newRecoveryCodes(RECOVERY_CODE_COUNT);
  const results = accept
    ? await c.env.DB.batch([accept.statement, ...replaceRecoveryCodes(c.env.DB, project.id, user.id, hashes, iso(), accept.accepted)])
    : null;
  if (results?.[0]?.meta.changes !== 1) {
    await c.env.DB.batch([insertAudit(c.env.DB, userAudit(c, user.id, "auth.mfa.recovery_codes.regenerate", "failure", { reason: "invalid_code" }))]);
    throw invalidCode();
  }
  await Promise.all([succeeded(c, held), c.env.DB.batch([insertAudit(c.env.DB, userAudit(c, user.id, "auth.mfa.recovery_codes.regenerate", "success"))])]);
  return c.json({ success: true as const, data: { recoveryCodes: codes } }, 200);
};

const challengeOver = () => new ApiError("INVALID_TOKEN", "This sign-in challenge is unknown, expired, used or out of attempts; sign in again");
const isLive = (row: MfaChallengeRow, at: number) => !row.used_at && Date.parse(row.expires_at) > at && row.attempts < MFA_CHALLENGE_MAX_ATTEMPTS;

export const verifyMfaHandler: RouteHandler<typeof verifyMfa, AppEnv> = async (c) => {
  const project = c.get("project");
  const db = c.env.DB;
  const { mfaToken, ...body } = c.req.valid("json");
  const tokenHash = await sha256Hex(mfaToken);
  const row = await getMfaChallenge(db, project.id, tokenHash);
  if (!row) {
    await unknownToken(c, project);
    await db.batch([
      insertAudit(
        db,
        auditEntry(c, { type: "auth.mfa.verify", outcome: "failure", actorType: "anonymous", projectId: project.id, details: { reason: "unknown_token" } }),
      ),
    ]);
    throw challengeOver();
  }
  if (!isLive(row, now())) {
    await db.batch([
      insertAudit(db, userAudit(c, row.user_id, "auth.mfa.verify", "failure", { reason: row.used_at ? "challenge_spent" : "challenge_expired" })),
    ]);
    throw challengeOver();
  }
  const held = await holdAttempt(c, row.user_id);
  const user = await getUser(db, project.id, row.user_id);
  if (!user) throw challengeOver();
  if (user.disabled) {
    await succeeded(c, held);
    throw new ApiError("USER_DISABLED", "This account is disabled");
  }
  const at = iso();
  const live = challengeLive(project.id, tokenHash, at, MFA_CHALLENGE_MAX_ATTEMPTS);
  const accept = await acceptance(c, user.id, body, live);
  const results = accept
    ? await db.batch([accept.statement, spendMfaChallenge(db, project.id, tokenHash, at, MFA_CHALLENGE_MAX_ATTEMPTS, accept.accepted)])
    : null;
  if (!results?.[1]?.results.length) {
    // Lost to a concurrent answer of the same challenge, or the code is wrong (counted against the challenge).
    const [counted] = await db.batch([
      countWrongAttempt(db, project.id, tokenHash, at),
      insertAudit(db, userAudit(c, user.id, "auth.mfa.verify", "failure", { reason: "invalid_code" })),
    ]);
    if (!counted?.results.length) throw challengeOver();
    throw invalidCode();
  }
  const amr = [...amrOf(row.amr), accept!.method];
  const success = insertAudit(db, userAudit(c, user.id, "auth.mfa.verify", "success", { amr }));
  const [{ tokens }] = await Promise.all([
    startSession(c, user, amr, { before: [touchLogin(db, project.id, user.id, at)], after: [success] }),
    succeeded(c, held),
  ]);
  return c.json({ success: true as const, data: { ...tokens, user: toUser(user) } }, 200);
};
