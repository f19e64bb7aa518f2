import type { SessionRow, SessionUser } from "../../db/sessions.repo";
import { metadataOf, type UserRow } from "../../db/users.repo";
import { iso } from "../../lib/clock";

/** The API shape of a user; never includes the password hash or internal flags. */
export const toUser = (u: UserRow | SessionUser) => ({
  id: u.id,
  email: u.email,
  displayName: u.display_name,
  emailVerified: u.email_verified === 1,
  createdAt: u.created_at,
  metadata: metadataOf(u.metadata),
  appMetadata: metadataOf(u.app_metadata),
});

export const toProfile = (u: SessionUser) => ({
  ...toUser(u),
  updatedAt: u.updated_at,
  lastLoginAt: u.last_login_at,
  mfa: { totp: u.totp_confirmed_at !== null, passkeys: u.passkeys },
});

/** `absoluteEnd`: when the session reaches the project's sessionMaxAge (ms); a stored expiry from before a lowered setting is capped at it. */
export const toSession = (s: SessionRow, currentSessionId: string, absoluteEnd: number) => ({
  id: s.id,
  userAgent: s.user_agent,
  ip: s.ip,
  createdAt: s.created_at,
  lastUsedAt: s.last_used_at,
  expiresAt: iso(Math.min(Date.parse(s.expires_at), absoluteEnd)),
  absoluteExpiresAt: iso(absoluteEnd),
  current: s.id === currentSessionId,
  clientId: s.client_id,
});
