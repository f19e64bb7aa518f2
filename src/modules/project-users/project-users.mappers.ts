import { toPasskey } from "../auth/passkeys.mappers";
import type { PasskeyRow } from "../../db/passkeys.repo";
import type { IdentityRow } from "../../db/oauth.repo";
import type { SessionRow } from "../../db/sessions.repo";
import type { FactorSummary } from "../../db/totp.repo";
import { amrOf } from "../../lib/amr";
import { iso } from "../../lib/clock";
import type { z } from "@hono/zod-openapi";
import { metadataOf, normalizeEmail, type UserRow } from "../../db/users.repo";
import type { UpdateProjectUserRequest } from "../../schemas/project-user";

/** The Admin API shape of a project's user; never includes the password hash. */
export const toProjectUser = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  displayName: u.display_name,
  emailVerified: u.email_verified === 1,
  disabled: u.disabled === 1,
  hasPassword: u.password_hash !== null,
  createdAt: u.created_at,
  updatedAt: u.updated_at,
  lastLoginAt: u.last_login_at,
  metadata: metadataOf(u.metadata),
  appMetadata: metadataOf(u.app_metadata),
});

export type UserUpdate = z.infer<typeof UpdateProjectUserRequest>;

/**
 * What an update changes, for the audit log: flags with their new value; personal data and
 * secrets only as "changed", so the log holds no password and nothing personal outlives a deletion.
 */
export function updateDetails(before: UserRow, body: UserUpdate): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (body.email !== undefined && body.email !== before.email) details.email = "changed";
  if (body.displayName !== undefined && body.displayName !== before.display_name) details.displayName = "changed";
  if (body.password !== undefined) details.password = "changed";
  if (body.metadata !== undefined) details.metadata = "changed";
  if (body.appMetadata !== undefined) details.appMetadata = "changed";
  if (body.disabled !== undefined && body.disabled !== (before.disabled === 1)) details.disabled = body.disabled;
  const newAddress = body.email !== undefined && normalizeEmail(body.email) !== before.email_normalized;
  const verified = body.emailVerified ?? (newAddress ? false : before.email_verified === 1);
  if (verified !== (before.email_verified === 1)) details.emailVerified = verified;
  return details;
}

/** True when the update must end every session of the user (same batch as the update). */
export const endsSessions = (body: UserUpdate) => body.disabled === true || body.password !== undefined;

/** An admin's view of a user's second factors: states and names, never a secret. */
export const toUserFactors = (f: FactorSummary, passkeys: PasskeyRow[]) => ({
  totp: { enabled: f.totp_confirmed_at !== null, confirmedAt: f.totp_confirmed_at },
  recoveryCodesLeft: f.totp_confirmed_at ? f.recovery_codes_left : 0,
  passkeys: passkeys.map(toPasskey),
});

/** A session as admins see it: no token, how it was signed in, and when it ends (`absoluteEnd`: createdAt + sessionMaxAge, ms). */
export const toAdminUserSession = (s: SessionRow, absoluteEnd: number) => ({
  id: s.id,
  userAgent: s.user_agent,
  ip: s.ip,
  createdAt: s.created_at,
  lastUsedAt: s.last_used_at,
  expiresAt: iso(Math.min(Date.parse(s.expires_at), absoluteEnd)),
  absoluteExpiresAt: iso(absoluteEnd),
  amr: amrOf(s.amr),
  clientId: s.client_id,
});

export const toUserIdentity = (i: IdentityRow) => ({
  provider: i.provider,
  issuer: i.issuer,
  subject: i.subject,
  linkedAt: i.created_at,
  lastLoginAt: i.last_login_at,
});
