// Who is signed in: the admin session token lives in memory and sessionStorage (one tab, gone with it;
// never localStorage, which outlives the browser session and is shared by every tab).
import type { Schemas } from "../../src/client/types";
import { signal } from "./runtime";

export type Admin = Schemas["Admin"];
export type Role = Schemas["AdminRole"];
export interface Session {
  token: string;
  admin: Admin;
  expiresAt: string;
}

const KEY = "edge-auth.console.session";

function restore(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(restore());
/** Why the last session ended without a sign-out (shown on the sign-in screen). */
export const endedBecause = signal<string | null>(null);

export function keepSession(next: Session | null, reason: string | null = null) {
  if (next) sessionStorage.setItem(KEY, JSON.stringify(next));
  else sessionStorage.removeItem(KEY);
  endedBecause.value = reason;
  session.value = next;
}

/** viewer: read only; admin: everything but admins; owner: everything. The server enforces the same. */
export const canWrite = (s: Session | null) => s?.admin.role === "owner" || s?.admin.role === "admin";
export const isOwner = (s: Session | null) => s?.admin.role === "owner";
