// The end of every sign-in (password, social, passwordless): a session with tokens, or, for a
// user whose second factor is still owed, the challenge to answer first (DESIGN §10).
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { MFA_CHALLENGE_KEEP_MS, MFA_CHALLENGE_TTL_MS } from "../../config";
import { randomToken, sha256Hex } from "../../crypto/random";
import { insertAudit } from "../../db/audit.repo";
import { deleteStaleChallenges, insertMfaChallenge } from "../../db/mfa-challenges.repo";
import { getFactorSummary } from "../../db/totp.repo";
import type { UserRow } from "../../db/users.repo";
import { type Amr, satisfiesMfa } from "../../lib/amr";
import { iso, now } from "../../lib/clock";
import { auditEntry } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import type { MfaChallengeSchema, SignInResultSchema } from "../../schemas/auth";
import { toUser } from "./auth.mappers";
import { startSession } from "./session-tokens";

export type MfaChallenge = z.infer<typeof MfaChallengeSchema>;
export type SignInResult = z.infer<typeof SignInResultSchema>;
type MfaMethod = MfaChallenge["methods"][number];

/**
 * Completes a sign-in of `user` by `amr`. `statements.before`/`after` (the login's touch, its
 * success audit) are written with the session, in one batch, only when a session starts;
 * `sessionId` is null when the answer is a challenge (then only the challenge and its audit
 * `auth.mfa.challenge` are written; POST /mfa/verify records the completed sign-in).
 */
export async function completeSignIn(
  c: Context<AppEnv>,
  user: UserRow,
  amr: readonly Amr[],
  statements: { before?: D1PreparedStatement[]; after?: D1PreparedStatement[] } = {},
): Promise<{ data: SignInResult; sessionId: string | null }> {
  const methods = satisfiesMfa(amr) ? [] : await secondFactorsOf(c, user.id);
  if (methods.length) return { data: await challenge(c, user, amr, methods), sessionId: null };
  const { tokens, sessionId } = await startSession(c, user, amr, statements);
  return { data: { ...tokens, user: toUser(user) }, sessionId };
}

/** The second factors `userId` can answer a challenge with (none: no challenge). */
async function secondFactorsOf(c: Context<AppEnv>, userId: string): Promise<MfaMethod[]> {
  const factors = await getFactorSummary(c.env.DB, c.get("project").id, userId);
  const methods: MfaMethod[] = [];
  if (factors.totp_confirmed_at) methods.push("totp");
  if (factors.totp_confirmed_at && factors.recovery_codes_left > 0) methods.push("recovery_code");
  if (factors.passkeys > 0) methods.push("webauthn");
  return methods;
}

async function challenge(c: Context<AppEnv>, user: UserRow, amr: readonly Amr[], methods: MfaMethod[]): Promise<MfaChallenge> {
  const project = c.get("project");
  const mfaToken = randomToken("mfa");
  const at = now();
  await c.env.DB.batch([
    deleteStaleChallenges(c.env.DB, project.id, user.id, iso(at - MFA_CHALLENGE_KEEP_MS)),
    insertMfaChallenge(c.env.DB, {
      tokenHash: await sha256Hex(mfaToken),
      projectId: project.id,
      userId: user.id,
      amr,
      createdAt: iso(at),
      expiresAt: iso(at + MFA_CHALLENGE_TTL_MS),
    }),
    insertAudit(
      c.env.DB,
      auditEntry(c, {
        type: "auth.mfa.challenge",
        outcome: "success",
        actorType: "user",
        actorId: user.id,
        projectId: project.id,
        targetType: "user",
        targetId: user.id,
        details: { amr, methods },
      }),
    ),
  ]);
  return { mfaRequired: true, mfaToken, methods, expiresIn: MFA_CHALLENGE_TTL_MS / 1000 };
}
