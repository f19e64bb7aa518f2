import type { RouteHandler } from "@hono/zod-openapi";
import { hashPassword, peppersOf, needsRehash, verifyAgainstDummy, verifyPassword } from "../../crypto/password";
import { randomId, sha256Hex } from "../../crypto/random";
import { insertAudit } from "../../db/audit.repo";
import { findRefreshToken, revokeSession } from "../../db/sessions.repo";
import { isUniqueViolation } from "../../db/sql";
import { findUserByEmail, insertUser, normalizeEmail, setPasswordHash, touchLogin, type UserRow } from "../../db/users.repo";
import { sessionEvent, userEvent } from "../../db/webhooks.repo";
import { dispatchDeliveries } from "../../webhooks/delivery";
import { ApiError } from "../../errors";
import { iso } from "../../lib/clock";
import { limit, loginSubjects, overridesOf, succeeded, take } from "../../lib/rate-limit";
import { auditEntry, clientBucket } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toUser } from "./auth.mappers";
import type { login, logout, refresh, register } from "./credentials.routes";
import { rotate, startSession } from "./session-tokens";
import { completeSignIn } from "./sign-in";

export const registerHandler: RouteHandler<typeof register, AppEnv> = async (c) => {
  const project = c.get("project");
  const { email, password, displayName } = c.req.valid("json");
  if (!project.allow_sign_up) {
    await c.env.DB.batch([
      insertAudit(
        c.env.DB,
        auditEntry(c, { type: "auth.register", outcome: "failure", actorType: "anonymous", projectId: project.id, details: { reason: "sign_up_disabled" } }),
      ),
    ]);
    throw new ApiError("SIGN_UP_DISABLED", "This project does not accept new sign-ups");
  }
  await limit(c, project.id, [{ rule: "register.ip", key: clientBucket(c) }], overridesOf(project.rate_limits));
  const id = randomId("usr");
  const at = iso();
  const insert = insertUser(c.env.DB, {
    id,
    projectId: project.id,
    email,
    displayName: displayName ?? null,
    passwordHash: await hashPassword(password, c.env.PASSWORD_PEPPER),
    createdAt: at,
  });
  const audit = insertAudit(
    c.env.DB,
    auditEntry(c, { type: "auth.register", outcome: "success", actorType: "user", actorId: id, projectId: project.id, targetType: "user", targetId: id }),
  );
  try {
    const subject = { id, email, email_verified: 0, app_metadata: "{}" }; // what the insert writes
    const { tokens, results } = await startSession(c, subject, ["pwd"], {
      before: [insert],
      after: [audit, ...userEvent(c.env.DB, project.id, "user.created", id, at)],
    });
    const user = results[0]!.results[0] as UserRow;
    return c.json({ success: true as const, data: { ...tokens, user: toUser(user) } }, 201);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await c.env.DB.batch([
      insertAudit(
        c.env.DB,
        auditEntry(c, { type: "auth.register", outcome: "failure", actorType: "anonymous", projectId: project.id, details: { reason: "email_taken" } }),
      ),
    ]);
    throw new ApiError("EMAIL_TAKEN", "An account with this email already exists");
  }
};

export const loginHandler: RouteHandler<typeof login, AppEnv> = async (c) => {
  const project = c.get("project");
  const { email, password } = c.req.valid("json");
  const pepper = c.env.PASSWORD_PEPPER;
  // Counted before any hashing, so a blocked guesser costs us nothing and a burst gets no more guesses than the limits.
  const held = await take(c, project.id, loginSubjects(c, "login", normalizeEmail(email)), overridesOf(project.rate_limits));
  const user = await findUserByEmail(c.env.DB, project.id, email);
  // Exactly one scrypt evaluation on every path, so timing does not reveal which emails exist.
  const valid = user?.password_hash
    ? await verifyPassword(password, user.password_hash, peppersOf(c.env))
    : await verifyAgainstDummy(password, peppersOf(c.env));
  const who = { projectId: project.id, targetType: "user", targetId: user?.id ?? null } as const;
  if (!user || !valid) {
    await c.env.DB.batch([
      insertAudit(
        c.env.DB,
        auditEntry(c, { ...who, type: "auth.login", outcome: "failure", actorType: "anonymous", details: { reason: "invalid_credentials" } }),
      ),
    ]);
    throw new ApiError("INVALID_CREDENTIALS", "Email or password is incorrect");
  }
  if (user.disabled) {
    await succeeded(c, held);
    await c.env.DB.batch([
      insertAudit(
        c.env.DB,
        auditEntry(c, { ...who, type: "auth.login", outcome: "failure", actorType: "user", actorId: user.id, details: { reason: "user_disabled" } }),
      ),
    ]);
    throw new ApiError("USER_DISABLED", "This account is disabled");
  }
  const at = iso();
  const before = [touchLogin(c.env.DB, project.id, user.id, at)];
  // Parameters rose, the pepper changed, or the hash was imported from another system: upgrade it now that we know the password.
  if (needsRehash(user.password_hash!, pepper)) before.push(setPasswordHash(c.env.DB, project.id, user.id, await hashPassword(password, pepper), at));
  const audit = insertAudit(c.env.DB, auditEntry(c, { ...who, type: "auth.login", outcome: "success", actorType: "user", actorId: user.id }));
  const [{ data }] = await Promise.all([completeSignIn(c, user, ["pwd"], { before, after: [audit] }), succeeded(c, held)]);
  return c.json({ success: true as const, data }, 200);
};

export const refreshHandler: RouteHandler<typeof refresh, AppEnv> = async (c) => {
  const { tokens } = await rotate(c, c.req.valid("json").refreshToken);
  return c.json({ success: true as const, data: tokens }, 200);
};

export const logoutHandler: RouteHandler<typeof logout, AppEnv> = async (c) => {
  const project = c.get("project");
  const state = await findRefreshToken(c.env.DB, project.id, await sha256Hex(c.req.valid("json").refreshToken));
  if (state && !state.session_revoked_at) {
    const at = iso();
    const results = await c.env.DB.batch([
      revokeSession(c.env.DB, project.id, state.session_id, "logout", at),
      insertAudit(
        c.env.DB,
        auditEntry(c, {
          type: "auth.logout",
          outcome: "success",
          actorType: "user",
          actorId: state.user_id,
          projectId: project.id,
          targetType: "session",
          targetId: state.session_id,
          at,
        }),
      ),
      ...sessionEvent(c.env.DB, project.id, "session.revoked", state.session_id, at),
    ]);
    dispatchDeliveries(c, results);
  }
  return c.json({ success: true as const, data: { loggedOut: true as const } }, 200);
};
