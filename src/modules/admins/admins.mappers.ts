import type { AdminRow } from "../../db/admins.repo";

/** The API shape of an admin; never includes the password hash. */
export const toAdmin = (a: AdminRow) => ({
  id: a.id,
  email: a.email,
  displayName: a.display_name,
  role: a.role,
  disabled: a.disabled === 1,
  createdAt: a.created_at,
  lastLoginAt: a.last_login_at,
});
