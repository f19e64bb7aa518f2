import { createMiddleware } from "hono/factory";
import { ADMIN_IDLE_MS, ADMIN_TOUCH_EVERY_MS } from "../config";
import { sha256Hex } from "../crypto/random";
import { findAdminSession, revokeAdminSession, touchAdminSession } from "../db/admin-sessions.repo";
import type { Role } from "../db/admins.repo";
import { ApiError } from "../errors";
import { iso, now } from "../lib/clock";
import type { AppEnv } from "../lib/types";

export const ROLE_RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** Requires a live admin session (X-Admin-Session) whose admin holds at least `minRole`. */
export const adminSession = (minRole: Role) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const token = c.req.header("X-Admin-Session");
    if (!token) throw new ApiError("UNAUTHORIZED", "Missing X-Admin-Session header");
    const state = await findAdminSession(c.env.DB, await sha256Hex(token));
    const t = now();
    if (!state || state.revoked_at || state.admin.disabled) throw new ApiError("UNAUTHORIZED", "Admin session is invalid or has ended");
    if (Date.parse(state.expires_at) <= t || Date.parse(state.last_used_at) + ADMIN_IDLE_MS <= t) {
      await revokeAdminSession(c.env.DB, state.session_id, iso(t)).run();
      throw new ApiError("UNAUTHORIZED", "Admin session has expired; log in again");
    }
    if (ROLE_RANK[state.admin.role] < ROLE_RANK[minRole]) {
      throw new ApiError("FORBIDDEN", `This action needs the ${minRole} role; you are ${state.admin.role}`);
    }
    if (t - Date.parse(state.last_used_at) >= ADMIN_TOUCH_EVERY_MS) await touchAdminSession(c.env.DB, state.session_id, iso(t)).run();
    c.set("admin", { ...state.admin, sessionId: state.session_id, totp: state.totp });
    await next();
  });
