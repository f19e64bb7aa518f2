import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { PASSKEYS_PER_USER_MAX, WEBAUTHN_CHALLENGE_TTL_MS, WEBAUTHN_SWEEP_ROWS } from "../../config";
import { base64url, fromBase64url, fromUtf8, utf8 } from "../../crypto/encoding";
import { randomBytes, randomId } from "../../crypto/random";
import { insertAudit, insertAuditIf } from "../../db/audit.repo";
import * as passkeys from "../../db/passkeys.repo";
import { webauthnOf, type WebAuthnSettings } from "../../db/projects.repo";
import { addSessionAmr } from "../../db/sessions.repo";
import { isUniqueViolation } from "../../db/sql";
import { getUser, touchLogin } from "../../db/users.repo";
import { factorEnrolledEvent } from "../../db/webhooks.repo";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { limit, overridesOf, succeeded, take } from "../../lib/rate-limit";
import { auditEntry, clientBucket } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { authenticationOptions, registrationOptions } from "../../webauthn/options";
import { verifyAuthentication, verifyRegistration, type VerifiedAuthentication, type VerifiedRegistration } from "../../webauthn/verify";
import { dispatchDeliveries } from "../../webhooks/delivery";
import type {
  deletePasskey,
  listPasskeys,
  passkeyLoginOptions,
  passkeyLoginVerify,
  passkeyRegisterOptions,
  passkeyRegisterVerify,
  renamePasskey,
} from "./passkeys.routes";
import { toPasskey } from "./passkeys.mappers";
import { completeSignIn } from "./sign-in";

/** The project's passkey settings, or 403 METHOD_DISABLED while it has none. */
function settingsOf(c: Context<AppEnv>): WebAuthnSettings {
  const settings = webauthnOf(c.get("project"));
  if (!settings) throw new ApiError("METHOD_DISABLED", "Passkeys are not enabled for this project");
  return settings;
}

/**
 * The WebAuthn user handle: opaque and stable per (project, user), so it carries no email or id
 * and an authenticator replaces (not duplicates) a user's passkey for the same RP.
 */
async function userHandle(projectId: string, userId: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(`edge-auth webauthn user handle|${projectId}|${userId}`)));
}

/** The challenge a client response was made for (clientDataJSON.challenge), or null when unreadable. */
function challengeOf(clientDataJSON: string): string | null {
  try {
    const challenge = (JSON.parse(fromUtf8(fromBase64url(clientDataJSON))) as { challenge?: unknown }).challenge;
    return typeof challenge === "string" && challenge.length <= 256 ? challenge : null;
  } catch {
    return null;
  }
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);

function newChallenge(c: Context<AppEnv>, purpose: "register" | "login", userId: string | null) {
  const at = now();
  const bytes = randomBytes(32);
  const row = {
    id: randomId("wch"),
    projectId: c.get("project").id,
    userId,
    purpose,
    challenge: base64url(bytes),
    createdAt: iso(at),
    expiresAt: iso(at + WEBAUTHN_CHALLENGE_TTL_MS),
  } as const;
  const statements = [passkeys.sweepExpiredChallenges(c.env.DB, row.projectId, row.createdAt, WEBAUTHN_SWEEP_ROWS), passkeys.insertChallenge(c.env.DB, row)];
  // The options carry base64url(bytes): exactly the challenge stored.
  return { row, bytes, statements };
}

export const passkeyRegisterOptionsHandler: RouteHandler<typeof passkeyRegisterOptions, AppEnv> = async (c) => {
  const settings = settingsOf(c);
  const project = c.get("project");
  const { user } = c.get("auth");
  const { results: existing } = await passkeys.listUserPasskeys(c.env.DB, project.id, user.id);
  if (existing.length >= PASSKEYS_PER_USER_MAX) throw new ApiError("CONFLICT", `A user may hold at most ${PASSKEYS_PER_USER_MAX} passkeys; remove one first`);
  const { bytes, statements } = newChallenge(c, "register", user.id);
  const options = registrationOptions({
    rpName: settings.rpName,
    rpId: settings.rpId,
    userName: user.email,
    userDisplayName: user.display_name ?? user.email,
    userId: await userHandle(project.id, user.id),
    challenge: bytes,
    timeout: WEBAUTHN_CHALLENGE_TTL_MS,
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: passkeys.transportsOf(p.transports) })),
  });
  await c.env.DB.batch(statements);
  return c.json({ success: true as const, data: options }, 200);
};

export const passkeyRegisterVerifyHandler: RouteHandler<typeof passkeyRegisterVerify, AppEnv> = async (c) => {
  const settings = settingsOf(c);
  const project = c.get("project");
  const { user, claims } = c.get("auth");
  const { response, name } = c.req.valid("json");
  const at = iso();
  const who = { projectId: project.id, actorType: "user", actorId: user.id, targetType: "user", targetId: user.id } as const;
  const failed = async (reason: string, message: string): Promise<never> => {
    await c.env.DB.batch([insertAudit(c.env.DB, auditEntry(c, { ...who, type: "auth.passkey.registered", outcome: "failure", details: { reason } }))]);
    throw new ApiError("VALIDATION_ERROR", message);
  };
  const challenge = challengeOf(response.response.clientDataJSON);
  // Spent before verifying: whatever happens next, this challenge cannot be presented again.
  const spent = challenge ? await passkeys.spendRegisterChallenge(c.env.DB, project.id, user.id, challenge, at) : null;
  if (!spent)
    return failed("unknown_challenge", "No pending passkey registration matches this response (unknown, expired or already used): request new options");
  let info: VerifiedRegistration;
  try {
    info = await verifyRegistration({
      response,
      expectedChallenge: challenge!,
      expectedOrigins: settings.origins,
      expectedRpId: settings.rpId,
      requireUserVerification: true,
    });
  } catch (err) {
    return failed("not_verified", `The passkey response did not verify: ${reasonOf(err)}`);
  }
  const passkey: passkeys.NewPasskey = {
    id: randomId("pk"),
    projectId: project.id,
    userId: user.id,
    credentialId: info.credentialId,
    publicKey: base64url(info.publicKey),
    counter: info.counter,
    transports: (response.response.transports ?? []).slice(0, 10),
    deviceType: info.deviceType,
    backedUp: info.backedUp,
    aaguid: info.aaguid,
    name: name ?? "Passkey",
    createdAt: at,
  };
  try {
    const results = await c.env.DB.batch([
      passkeys.insertPasskey(c.env.DB, passkey),
      // The session enrolled a second factor: its next access token (after a refresh) is no longer restricted.
      addSessionAmr(c.env.DB, project.id, claims.sid, "webauthn"),
      insertAudit(c.env.DB, auditEntry(c, { ...who, type: "auth.passkey.registered", outcome: "success", targetType: "passkey", targetId: passkey.id, at })),
      ...factorEnrolledEvent(c.env.DB, project.id, user.id, at),
    ]);
    dispatchDeliveries(c, results);
    const row = results[0]!.results[0] as passkeys.PasskeyRow;
    return c.json({ success: true as const, data: toPasskey(row) }, 201);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await c.env.DB.batch([
      insertAudit(c.env.DB, auditEntry(c, { ...who, type: "auth.passkey.registered", outcome: "failure", details: { reason: "duplicate" } })),
    ]);
    throw new ApiError("CONFLICT", "This passkey is already registered in this project");
  }
};

export const passkeyLoginOptionsHandler: RouteHandler<typeof passkeyLoginOptions, AppEnv> = async (c) => {
  const settings = settingsOf(c);
  const project = c.get("project");
  await limit(c, project.id, [{ rule: "passkey_options.ip", key: clientBucket(c) }], overridesOf(project.rate_limits));
  const { row, bytes, statements } = newChallenge(c, "login", null);
  const options = authenticationOptions({ rpId: settings.rpId, challenge: bytes, timeout: WEBAUTHN_CHALLENGE_TTL_MS });
  await c.env.DB.batch(statements);
  return c.json({ success: true as const, data: { challengeId: row.id, options } }, 200);
};

export const passkeyLoginVerifyHandler: RouteHandler<typeof passkeyLoginVerify, AppEnv> = async (c) => {
  const settings = settingsOf(c);
  const project = c.get("project");
  const { challengeId, response } = c.req.valid("json");
  // Counted before any lookup or signature check; a success gives the slot back.
  const held = await take(c, project.id, [{ rule: "passkey_login.ip", key: clientBucket(c) }], overridesOf(project.rate_limits));
  const at = iso();
  const spent = await passkeys.spendLoginChallenge(c.env.DB, project.id, challengeId, at);
  const passkey = await passkeys.findPasskeyByCredential(c.env.DB, project.id, response.id);
  const failed = async (reason: string, message = "The passkey could not be verified"): Promise<never> => {
    const entry = passkey
      ? ({ actorType: "user", actorId: passkey.user_id, targetType: "passkey", targetId: passkey.id } as const)
      : ({ actorType: "anonymous", targetType: null, targetId: null } as const);
    await c.env.DB.batch([
      insertAudit(
        c.env.DB,
        auditEntry(c, {
          ...entry,
          type: "auth.passkey.login",
          outcome: reason === "counter_regression" ? "blocked" : "failure",
          projectId: project.id,
          details: { reason },
        }),
      ),
    ]);
    throw new ApiError("INVALID_CREDENTIALS", message);
  };
  if (!spent) return failed("unknown_challenge", "The sign-in challenge is unknown, expired or already used: request new options");
  // One answer for an unknown passkey and a bad signature.
  if (!passkey) return failed("unknown_credential");
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== base64url(await userHandle(project.id, passkey.user_id))) return failed("user_handle_mismatch");
  let info: VerifiedAuthentication;
  try {
    // The counter is judged after the signature (below), not by the verifier.
    info = await verifyAuthentication({
      response,
      expectedChallenge: spent.challenge,
      expectedOrigins: settings.origins,
      expectedRpId: settings.rpId,
      credentialId: passkey.credential_id,
      publicKey: fromBase64url(passkey.public_key),
      requireUserVerification: true,
    });
  } catch {
    return failed("not_verified");
  }
  const counter = info.newCounter;
  // A genuine signature whose counter did not move forward: two copies of one authenticator exist.
  if ((counter > 0 || passkey.counter > 0) && counter <= passkey.counter) return failed("counter_regression");
  const user = await getUser(c.env.DB, project.id, passkey.user_id);
  if (!user) return failed("unknown_credential");
  if (user.disabled) {
    await succeeded(c, held);
    await c.env.DB.batch([
      insertAudit(
        c.env.DB,
        auditEntry(c, {
          type: "auth.passkey.login",
          outcome: "failure",
          actorType: "user",
          actorId: user.id,
          projectId: project.id,
          targetType: "passkey",
          targetId: passkey.id,
          details: { reason: "user_disabled" },
        }),
      ),
    ]);
    throw new ApiError("USER_DISABLED", "This account is disabled");
  }
  const before = [
    passkeys.usePasskey(c.env.DB, { projectId: project.id, id: passkey.id, counter, backedUp: info.backedUp, at, seenCounter: passkey.counter }),
    passkeys.failIfUnchanged(c.env.DB),
    touchLogin(c.env.DB, project.id, user.id, at),
  ];
  const audit = insertAudit(
    c.env.DB,
    auditEntry(c, {
      type: "auth.passkey.login",
      outcome: "success",
      actorType: "user",
      actorId: user.id,
      projectId: project.id,
      targetType: "passkey",
      targetId: passkey.id,
      at,
    }),
  );
  let data: Awaited<ReturnType<typeof completeSignIn>>["data"];
  try {
    ({ data } = await completeSignIn(c, user, ["webauthn"], { before, after: [audit] }));
  } catch (err) {
    // The guard aborted the batch: another sign-in with this passkey moved its counter since we read it.
    const now = await passkeys.findPasskeyByCredential(c.env.DB, project.id, passkey.credential_id);
    if (now && now.counter === passkey.counter) throw err;
    return failed("counter_regression");
  }
  await succeeded(c, held);
  if ("mfaRequired" in data) throw new Error("a passkey sign-in is never asked for a second factor");
  return c.json({ success: true as const, data }, 200);
};

export const listPasskeysHandler: RouteHandler<typeof listPasskeys, AppEnv> = async (c) => {
  const { results } = await passkeys.listUserPasskeys(c.env.DB, c.get("project").id, c.get("auth").user.id);
  return c.json({ success: true as const, data: results.map(toPasskey) }, 200);
};

export const renamePasskeyHandler: RouteHandler<typeof renamePasskey, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user } = c.get("auth");
  const { passkeyId } = c.req.valid("param");
  const row = await passkeys.renamePasskey(c.env.DB, project.id, user.id, passkeyId, c.req.valid("json").name);
  if (!row) throw new ApiError("NOT_FOUND", "No passkey with this id");
  await c.env.DB.batch([
    insertAudit(
      c.env.DB,
      auditEntry(c, {
        type: "auth.passkey.renamed",
        outcome: "success",
        actorType: "user",
        actorId: user.id,
        projectId: project.id,
        targetType: "passkey",
        targetId: passkeyId,
      }),
    ),
  ]);
  return c.json({ success: true as const, data: toPasskey(row) }, 200);
};

export const deletePasskeyHandler: RouteHandler<typeof deletePasskey, AppEnv> = async (c) => {
  const project = c.get("project");
  const { user } = c.get("auth");
  const { passkeyId } = c.req.valid("param");
  // Audited only when the passkey is there to remove, in the batch that removes it.
  const [, removed] = await c.env.DB.batch([
    insertAuditIf(
      c.env.DB,
      auditEntry(c, {
        type: "auth.passkey.removed",
        outcome: "success",
        actorType: "user",
        actorId: user.id,
        projectId: project.id,
        targetType: "passkey",
        targetId: passkeyId,
      }),
      passkeys.userPasskeyExists(project.id, user.id, passkeyId),
    ),
    passkeys.deletePasskey(c.env.DB, project.id, user.id, passkeyId),
  ]);
  if (!removed?.results.length) throw new ApiError("NOT_FOUND", "No passkey with this id");
  return c.json({ success: true as const, data: { removed: true as const } }, 200);
};
