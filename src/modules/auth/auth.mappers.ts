import type { SessionRow, SessionUser } from "../../db/sessions.repo";
import type { UserRow } from "../../db/users.repo";

/** The API shape of a user; never includes the password hash or internal flags. */
export const toUser = (u: UserRow | SessionUser) => ({
  id: u.id,
  email: u.email,
  displayName: u.display_name,
  emailVerified: u.email_verified === 1,
  createdAt: u.created_at,
});

export const toProfile = (u: SessionUser) => ({ ...toUser(u), updatedAt: u.updated_at, lastLoginAt: u.last_login_at });

export const toSession = (s: SessionRow, currentSessionId: string) => ({
  id: s.id,
  userAgent: s.user_agent,
  ip: s.ip,
  createdAt: s.created_at,
  lastUsedAt: s.last_used_at,
  expiresAt: s.expires_at,
  current: s.id === currentSessionId,
});
