import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { PASSWORDLESS_LIFETIME, PASSWORDLESS_MAX_ATTEMPTS, PASSWORDLESS_PRUNE_ROWS } from "../../config";
import { randomId, randomToken, sha256Hex } from "../../crypto/random";
import { matchSignInCode, newSignInCode, signInCodeHash } from "../../crypto/sign-in-code";
import { cutUnprovenIdentitiesIf, listUnprovenIdentities } from "../../db/account.repo";
import { insertAudit, insertAuditIf, type AuditEntry } from "../../db/audit.repo";
import {
  consumeSignInCode,
  dropUnprovenPassword,
  findSignInLink,
  pruneSignInCodes,
  reserveAttempt,
  spendSignInCode,
  spentSignInCode,
  upsertSignInCode,
  type SignInCodeRow,
  type SignInSpend,
} from "../../db/passwordless.repo";
import { isUniqueViolation } from "../../db/sql";
import { findUserByEmail, insertUser, markEmailVerified, normalizeEmail, touchLogin, type UserRow } from "../../db/users.repo";
import { emailLink, redirectTarget } from "../../email/links";
import { isHostedReturn } from "../../lib/hosted-urls";
import { effectiveTemplate, sendEmail } from "../../email/send";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { overridesOf, succeeded, take, unknownToken, type Held, limit } from "../../lib/rate-limit";
import { auditEntry, clientBucket } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import type { passwordlessStart, passwordlessVerify } from "./passwordless.routes";
import { completeSignIn } from "./sign-in";

const START = "auth.passwordless.start";
const VERIFY = "auth.passwordless.verify";

type Audit = Omit<AuditEntry, "at" | "ip" | "userAgent" | "requestId" | "projectId"> & { at?: string };
const audit = (c: Context<AppEnv>, e: Audit) => insertAudit(c.env.DB, auditEntry(c, { ...e, projectId: c.get("project").id }));
const aboutUser = (userId: string | undefined) => (userId ? ({ targetType: "user", targetId: userId } as const) : {});

function requireEnabled(c: Context<AppEnv>) {
  if (!c.get("project").passwordless) throw new ApiError("METHOD_DISABLED", "Passwordless sign-in is not enabled for this project (setting `passwordless`)");
}

const wrongCode = () => new ApiError("INVALID_CODE", "This code is not valid; check it or request a new one");
const wrongLink = () => new ApiError("INVALID_TOKEN", "This sign-in link is not valid; request a new one");

export const passwordlessStartHandler: RouteHandler<typeof passwordlessStart, AppEnv> = async (c) => {
  const db = c.env.DB;
  const project = c.get("project");
  requireEnabled(c);
  const { email, redirectUrl } = c.req.valid("json");
  // Everything that can refuse the request happens before the address is looked up, so no answer depends on it.
  const base = redirectUrl === undefined ? null : redirectTarget(project, redirectUrl, (url) => isHostedReturn(c, project.id, url));
  const address = normalizeEmail(email);
  await limit(
    c,
    project.id,
    [
      { rule: "email.account", key: address },
      { rule: "email.ip", key: clientBucket(c) },
    ],
    overridesOf(project.rate_limits),
  );
  const code = newSignInCode();
  const token = randomToken("pl");
  const salt = randomId("pls");
  const at = now();
  const [codeHash, linkHash, user, content] = await Promise.all([
    signInCodeHash(c.env.KEY_ENCRYPTION_SECRET, salt, project.id, address, code),
    sha256Hex(token),
    findUserByEmail(db, project.id, address),
    effectiveTemplate(db, project.id, "passwordless"),
  ]);
  // Stored whether or not anyone can sign in with it: the same writes either way.
  const statements = [
    pruneSignInCodes(db, project.id, iso(at), PASSWORDLESS_PRUNE_ROWS),
    upsertSignInCode(db, {
      project_id: project.id,
      email: address,
      salt,
      code_hash: codeHash,
      link_hash: linkHash,
      created_at: iso(at),
      expires_at: iso(at + PASSWORDLESS_LIFETIME.ms),
    }),
  ];
  const target = aboutUser(user?.id);
  if (user || project.allow_sign_up) {
    await sendEmail(c, {
      template: "passwordless",
      content,
      to: user ?? { id: null, email: email.trim(), display_name: null, email_verified: 0 },
      link: base ? emailLink(base, token, "passwordless") : "",
      code,
      expiresIn: PASSWORDLESS_LIFETIME.words,
      background: true,
      statements: (outboxId) => [
        ...statements,
        audit(c, { actorType: "anonymous", ...target, type: START, outcome: "success", details: { outboxId, link: base !== null, newAccount: !user } }),
      ],
    });
  } else {
    await db.batch([...statements, audit(c, { actorType: "anonymous", type: START, outcome: "failure", details: { reason: "sign_up_disabled" } })]);
  }
  return c.json({ success: true as const, data: { sent: true as const } }, 200);
};

export const passwordlessVerifyHandler: RouteHandler<typeof passwordlessVerify, AppEnv> = async (c) => {
  const db = c.env.DB;
  const project = c.get("project");
  requireEnabled(c);
  const body = c.req.valid("json");
  const overrides = overridesOf(project.rate_limits);
  const ip = { rule: "email_code.ip", key: clientBucket(c) } as const;

  if ("token" in body) {
    const held = await take(c, project.id, [ip], overrides);
    const row = await findSignInLink(db, project.id, await sha256Hex(body.token));
    const reason = !row ? "unknown_token" : row.used_at ? "already_used" : row.expires_at <= iso() ? "expired" : null;
    if (!row || reason) {
      if (!row) await unknownToken(c, project);
      await audit(c, { actorType: "anonymous", type: VERIFY, outcome: "failure", details: { via: "link", reason } }).run();
      throw wrongLink();
    }
    const { data } = await signIn(c, row, held, "link");
    return c.json({ success: true as const, data }, 200);
  }

  const address = normalizeEmail(body.email);
  const held = await take(c, project.id, [{ rule: "email_code.account", key: address }, ip], overrides);
  // The attempt is counted before the comparison, so parallel guesses get no more than the maximum.
  const row = await reserveAttempt(db, project.id, address, iso(), PASSWORDLESS_MAX_ATTEMPTS);
  // One HMAC on every path (a throwaway salt when there is no live code), so timing tells nothing.
  const matched = await matchSignInCode(c.env.KEY_ENCRYPTION_SECRET, row?.salt ?? "none", project.id, address, body.code, row?.code_hash ?? "");
  if (!row || !matched) {
    const spent = row !== null && row.attempts >= PASSWORDLESS_MAX_ATTEMPTS;
    const reason = !row ? "no_live_code" : spent ? "attempts_exhausted" : "wrong_code";
    const statements = [audit(c, { actorType: "anonymous", type: VERIFY, outcome: "failure", details: { via: "code", reason } })];
    if (row && spent) statements.push(spendSignInCode(db, { projectId: project.id, email: address, salt: row.salt, at: iso() }));
    await db.batch(statements);
    throw wrongCode();
  }
  const { data } = await signIn(c, row, held, "code");
  return c.json({ success: true as const, data }, 200);
};

/**
 * The code or link was right: spend it (one request wins), create or verify the account the
 * mailbox now proves, and sign in by "email". Nobody to sign in spends it too.
 */
async function signIn(c: Context<AppEnv>, row: SignInCodeRow, held: Held, via: "code" | "link", retried = false) {
  const db = c.env.DB;
  const project = c.get("project");
  const at = iso();
  const s: SignInSpend = { projectId: project.id, email: row.email, salt: row.salt, at, usedBy: randomId("use") };
  const user = await findUserByEmail(db, project.id, row.email);
  const refuse = async (reason: string, error: ApiError): Promise<never> => {
    await db.batch([
      spendSignInCode(db, s),
      audit(c, { actorType: "anonymous", ...aboutUser(user?.id), type: VERIFY, outcome: "failure", details: { via, reason }, at }),
    ]);
    throw error;
  };
  if (!user && !project.allow_sign_up) return refuse("sign_up_disabled", via === "code" ? wrongCode() : wrongLink());
  if (user?.disabled) {
    await succeeded(c, held);
    return refuse("user_disabled", new ApiError("USER_DISABLED", "This account is disabled"));
  }
  const spent = spentSignInCode(s);
  const userId = user?.id ?? randomId("usr");
  const success = auditEntry(c, {
    actorType: "user",
    actorId: userId,
    projectId: project.id,
    targetType: "user",
    targetId: userId,
    type: VERIFY,
    outcome: "success",
    at,
    details: { via, newAccount: !user },
  });
  const userStatement = user
    ? markEmailVerified(db, project.id, user.id, at, spent)
    : insertUser(db, { id: userId, projectId: project.id, email: row.email, displayName: null, passwordHash: null, emailVerified: true, createdAt: at }, spent);
  const proof = user ? [...dropUnprovenPassword(db, s, user.id), ...(await cutIdentities(c, s, user.id))] : [];
  const statements = [consumeSignInCode(db, s), ...proof, userStatement, insertAuditIf(db, success, spent)];
  let results: D1Result[];
  try {
    results = await db.batch(statements);
  } catch (err) {
    // A sign-up of the same address won the race for the row (nothing of this batch was written): sign that account in.
    if (!retried && isUniqueViolation(err)) return signIn(c, row, held, via, true);
    throw err;
  }
  const signedIn = results[statements.indexOf(userStatement)]?.results[0] as UserRow | undefined;
  if (!results[0]?.results.length || !signedIn) {
    await audit(c, { actorType: "anonymous", ...aboutUser(user?.id), type: VERIFY, outcome: "failure", details: { via, reason: "already_used" } }).run();
    throw via === "code" ? wrongCode() : wrongLink();
  }
  const [result] = await Promise.all([completeSignIn(c, signedIn, ["email"], { before: [touchLogin(db, project.id, signedIn.id, at)] }), succeeded(c, held)]);
  return result;
}

/** Identities linked while the address was unproven are cut now that the mail proved it (as a reset link does). */
async function cutIdentities(c: Context<AppEnv>, s: SignInSpend, userId: string) {
  const identities = await listUnprovenIdentities(c.env.DB, s.projectId, userId);
  if (!identities.length) return [];
  const entry = auditEntry(c, {
    actorType: "user",
    actorId: userId,
    targetType: "user",
    targetId: userId,
    projectId: s.projectId,
    type: "auth.identity.unlinked",
    outcome: "success",
    at: s.at,
    details: { reason: "linked_while_email_unverified", proof: "passwordless", identities: identities.map(({ provider, issuer }) => ({ provider, issuer })) },
  });
  return cutUnprovenIdentitiesIf(c.env.DB, s, spentSignInCode(s), userId, entry);
}
