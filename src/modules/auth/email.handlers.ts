import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { EMAIL_LINK_KEEP_EXPIRED_MS, EMAIL_LINK_LIFETIME } from "../../config";
import { hashPassword } from "../../crypto/password";
import { randomId, randomToken, sha256Hex } from "../../crypto/random";
import { cutUnprovenIdentities, listUnprovenIdentities, resetPassword } from "../../db/account.repo";
import { insertAudit, insertAuditIf, type AuditEntry } from "../../db/audit.repo";
import {
  consumeOneTimeToken,
  findOneTimeToken,
  insertOneTimeToken,
  pruneOneTimeTokens,
  spendSiblingTokens,
  spentBy,
  type Consumption,
  type OneTimeTokenState,
  type TokenPurpose,
} from "../../db/one-time-tokens.repo";
import { findUserByEmail, markEmailVerified, normalizeEmail, type UserRow } from "../../db/users.repo";
import { revokedSessionsEvent, userEvent } from "../../db/webhooks.repo";
import { dispatchDeliveries } from "../../webhooks/delivery";
import { emailLink, redirectTarget } from "../../email/links";
import { isHostedReturn } from "../../lib/hosted-urls";
import { effectiveTemplate, sendEmail, unsentEmail, type Recipient } from "../../email/send";
import { ApiError, type ErrorCode } from "../../errors";
import { iso, now } from "../../lib/clock";
import { forget, limit, loginSubjects, overridesOf, unknownToken, type Subject } from "../../lib/rate-limit";
import { auditEntry, clientBucket } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toUser } from "./auth.mappers";
import type { confirmEmail, forgotPassword, resetPassword as resetPasswordRoute, sendVerificationEmail } from "./email.routes";

// Tells which kind of link a token came from when one turns up in a log or a support request.
const TOKEN_PREFIX: Record<TokenPurpose, string> = { verify_email: "verify", reset_password: "reset" };
const NO_REDIRECT = "no redirect URL is configured for this project (redirectUrls)";

type Audit = Omit<AuditEntry, "at" | "ip" | "userAgent" | "requestId" | "projectId">;
const audit = (c: Context<AppEnv>, e: Audit) => insertAudit(c.env.DB, auditEntry(c, { ...e, projectId: c.get("project").id }));
const asUser = (userId: string) => ({ actorType: "user", actorId: userId, targetType: "user", targetId: userId }) as const;

const emailSubjects = (c: Context<AppEnv>, email: string): Subject[] => [
  { rule: "email.account", key: normalizeEmail(email) },
  { rule: "email.ip", key: clientBucket(c) },
];

/** A new token for `user` and the statements that store it. Only its hash is stored. */
async function issueToken(c: Context<AppEnv>, user: Recipient & { id: string }, purpose: TokenPurpose) {
  const db = c.env.DB;
  const projectId = c.get("project").id;
  const token = randomToken(TOKEN_PREFIX[purpose]);
  const at = now();
  const statements = [
    pruneOneTimeTokens(db, projectId, user.id, purpose, iso(at - EMAIL_LINK_KEEP_EXPIRED_MS)),
    insertOneTimeToken(db, {
      tokenHash: await sha256Hex(token),
      projectId,
      userId: user.id,
      purpose,
      email: normalizeEmail(user.email),
      createdAt: iso(at),
      expiresAt: iso(at + EMAIL_LINK_LIFETIME[purpose].ms),
    }),
  ];
  return { token, statements };
}

/** Why a token that exists cannot be used (as of now), or null when it can. */
function refusal(state: OneTimeTokenState): { code: ErrorCode; reason: string; message: string } | null {
  if (state.used_at) return { code: "INVALID_TOKEN", reason: "already_used", message: "This link was already used; request a new one" };
  if (state.expires_at <= iso()) return { code: "TOKEN_EXPIRED", reason: "expired", message: "This link has expired; request a new one" };
  if (state.user_email !== state.email)
    return { code: "INVALID_TOKEN", reason: "email_changed", message: "This link was sent to an address the account no longer has" };
  if (state.user_disabled) return { code: "USER_DISABLED", reason: "user_disabled", message: "This account is disabled" };
  return null;
}

/**
 * Looks the token up within this project and purpose, so another project's or purpose's token
 * is simply unknown (and stays unspent); refuses, audited, when it cannot be used.
 */
async function usableToken(c: Context<AppEnv>, purpose: TokenPurpose, token: string, failure: string) {
  const tokenHash = await sha256Hex(token);
  const state = await findOneTimeToken(c.env.DB, c.get("project").id, purpose, tokenHash);
  if (!state) {
    await unknownToken(c, c.get("project"));
    await audit(c, { actorType: "anonymous", type: failure, outcome: "failure", details: { reason: "unknown_token" } }).run();
    throw new ApiError("INVALID_TOKEN", "This link is not valid; request a new one");
  }
  const refused = refusal(state);
  if (refused) {
    await audit(c, { ...asUser(state.user_id), type: failure, outcome: "failure", details: { reason: refused.reason } }).run();
    throw new ApiError(refused.code, refused.message);
  }
  const spend: Consumption = { projectId: c.get("project").id, purpose, tokenHash, at: iso(), usedBy: randomId("use") };
  return { state, spend };
}

/** The statements that cut identities linked while the address was unproven, now that `proof` proved it (none when there are none). */
async function cutIdentities(c: Context<AppEnv>, spend: Consumption, userId: string, proof: "email_verification" | "password_reset") {
  const identities = await listUnprovenIdentities(c.env.DB, spend.projectId, userId);
  if (!identities.length) return [];
  const entry = auditEntry(c, {
    ...asUser(userId),
    projectId: spend.projectId,
    type: "auth.identity.unlinked",
    outcome: "success",
    at: spend.at,
    details: { reason: "linked_while_email_unverified", proof, identities: identities.map(({ provider, issuer }) => ({ provider, issuer })) },
  });
  return cutUnprovenIdentities(c.env.DB, spend, userId, entry);
}

async function lostRace(c: Context<AppEnv>, userId: string, type: string): Promise<never> {
  await audit(c, { ...asUser(userId), type, outcome: "failure", details: { reason: "already_used" } }).run();
  throw new ApiError("INVALID_TOKEN", "This link was already used; request a new one");
}

export const sendVerificationEmailHandler: RouteHandler<typeof sendVerificationEmail, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user } = c.get("auth");
  const base = redirectTarget(project, c.req.valid("json").redirectUrl);
  if (user.email_verified) return c.json({ success: true as const, data: { sent: false } }, 200);
  const type = "auth.email_verification.sent";
  if (!base) {
    await audit(c, { ...asUser(user.id), type, outcome: "failure", details: { reason: "no_redirect_url" } }).run();
    throw new ApiError("VALIDATION_ERROR", `redirectUrl: ${NO_REDIRECT}; an admin must add one before verification emails can be sent`, {
      details: [{ path: "redirectUrl", message: NO_REDIRECT }],
    });
  }
  await limit(c, project.id, emailSubjects(c, user.email), overridesOf(project.rate_limits));
  const [content, { token, statements }] = await Promise.all([effectiveTemplate(c.env.DB, project.id, "verify_email"), issueToken(c, user, "verify_email")]);
  const { delivery } = await sendEmail(c, {
    template: "verify_email",
    content,
    to: user,
    link: emailLink(base, token, "verify_email"),
    expiresIn: EMAIL_LINK_LIFETIME.verify_email.words,
    statements: (outboxId) => [...statements, audit(c, { ...asUser(user.id), type, outcome: "success", details: { outboxId } })],
  });
  if (delivery && !delivery.ok) throw new ApiError("UPSTREAM_ERROR", "The verification email could not be sent; try again later");
  return c.json({ success: true as const, data: { sent: true } }, 200);
};

export const confirmEmailHandler: RouteHandler<typeof confirmEmail, AppEnv> = async (c) => {
  const db = c.env.DB;
  const type = "auth.email_verification.confirmed";
  const { state, spend } = await usableToken(c, "verify_email", c.req.valid("json").token, type);
  const results = await db.batch([
    consumeOneTimeToken(db, spend),
    markEmailVerified(db, spend.projectId, state.user_id, spend.at, spentBy(spend)),
    spendSiblingTokens(db, spend, state.user_id),
    ...(await cutIdentities(c, spend, state.user_id, "email_verification")),
    insertAuditIf(db, auditEntry(c, { ...asUser(state.user_id), projectId: spend.projectId, type, outcome: "success", at: spend.at }), spentBy(spend)),
    ...userEvent(db, spend.projectId, "user.email_verified", state.user_id, spend.at),
  ]);
  dispatchDeliveries(c, results);
  const [consumed, updated] = results;
  const user = updated?.results[0] as UserRow | undefined;
  if (!consumed?.results.length || !user) return lostRace(c, state.user_id, type);
  return c.json({ success: true as const, data: { verified: true as const, user: toUser(user) } }, 200);
};

export const forgotPasswordHandler: RouteHandler<typeof forgotPassword, AppEnv> = async (c) => {
  const db = c.env.DB;
  const project = c.get("project");
  const { email, redirectUrl } = c.req.valid("json");
  // Everything that can refuse the request happens before the email is looked up, so no answer depends on it.
  const base = redirectTarget(project, redirectUrl, (url) => isHostedReturn(c, project.id, url));
  await limit(c, project.id, emailSubjects(c, email), overridesOf(project.rate_limits));
  const [user, content] = await Promise.all([findUserByEmail(db, project.id, email), effectiveTemplate(db, project.id, "reset_password")]);
  const type = "auth.password_reset.requested";
  if (user && !user.disabled && base) {
    const { token, statements } = await issueToken(c, user, "reset_password");
    await sendEmail(c, {
      template: "reset_password",
      content,
      to: user,
      link: emailLink(base, token, "reset_password"),
      expiresIn: EMAIL_LINK_LIFETIME.reset_password.words,
      background: true,
      statements: (outboxId) => [
        ...statements,
        audit(c, { actorType: "anonymous", targetType: "user", targetId: user.id, type, outcome: "success", details: { outboxId } }),
      ],
    });
  } else {
    const reason = !user ? "unknown_email" : user.disabled ? "user_disabled" : "no_redirect_url";
    const target = user ? { targetType: "user", targetId: user.id } : {};
    const statements = [audit(c, { actorType: "anonymous", ...target, type, outcome: "failure", details: { reason } })];
    if (user && reason === "no_redirect_url") statements.push(unsentEmail(c, "reset_password", user, NO_REDIRECT));
    await db.batch(statements);
  }
  return c.json({ success: true as const, data: { accepted: true as const } }, 200);
};

export const resetPasswordHandler: RouteHandler<typeof resetPasswordRoute, AppEnv> = async (c) => {
  const db = c.env.DB;
  const project = c.get("project");
  const { token, password } = c.req.valid("json");
  const { state, spend } = await usableToken(c, "reset_password", token, "auth.password_reset.failed");
  const passwordHash = await hashPassword(password, c.env.PASSWORD_PEPPER);
  const results = await db.batch([
    consumeOneTimeToken(db, spend),
    ...resetPassword(db, spend, state.user_id, passwordHash),
    spendSiblingTokens(db, spend, state.user_id),
    ...(await cutIdentities(c, spend, state.user_id, "password_reset")),
    insertAuditIf(
      db,
      auditEntry(c, { ...asUser(state.user_id), projectId: project.id, type: "auth.password_reset.completed", outcome: "success", at: spend.at }),
      spentBy(spend),
    ),
    ...userEvent(db, project.id, "user.password_changed", state.user_id, spend.at),
    ...revokedSessionsEvent(db, project.id, state.user_id, "password_reset", spend.at),
  ]);
  dispatchDeliveries(c, results);
  const [consumed, , revoked] = results;
  if (!consumed?.results.length) return lostRace(c, state.user_id, "auth.password_reset.failed");
  // The account's failed-login counters: account-wide, and this address's backoff for it.
  await forget(
    c,
    project.id,
    loginSubjects(c, "login", state.email).filter((s) => s.rule !== "login.ip"),
  );
  return c.json({ success: true as const, data: { passwordReset: true as const, sessionsEnded: revoked?.meta.changes ?? 0 } }, 200);
};
