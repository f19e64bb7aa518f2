// The end of every sign-in (password, social, passwordless): a session with tokens, or, for a
// user whose second factor is still owed, the challenge to answer first (DESIGN §10).
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { UserRow } from "../../db/users.repo";
import type { Amr } from "../../lib/amr";
import type { AppEnv } from "../../lib/types";
import type { MfaChallengeSchema, SignInResultSchema } from "../../schemas/auth";
import { toUser } from "./auth.mappers";
import { startSession } from "./session-tokens";

export type MfaChallenge = z.infer<typeof MfaChallengeSchema>;
export type SignInResult = z.infer<typeof SignInResultSchema>;

/**
 * Completes a sign-in of `user` by `amr`. `statements.before`/`after` (the login's touch, its
 * success audit) are written with the session, in one batch, only when a session starts;
 * `sessionId` is null when the answer is a challenge.
 */
export async function completeSignIn(
  c: Context<AppEnv>,
  user: UserRow,
  amr: readonly Amr[],
  statements: { before?: D1PreparedStatement[]; after?: D1PreparedStatement[] } = {},
): Promise<{ data: SignInResult; sessionId: string | null }> {
  const { tokens, sessionId } = await startSession(c, user, amr, statements);
  return { data: { ...tokens, user: toUser(user) }, sessionId };
}
