import type { Context } from "hono";
import type { AuditEntry } from "../db/audit.repo";
import type { AppEnv } from "./types";
import { iso } from "./clock";

/** Client address as Cloudflare reports it; absent when not behind Cloudflare (tests). */
export const clientIp = (c: Context<AppEnv>): string | null => c.req.header("CF-Connecting-IP") ?? null;

export const userAgent = (c: Context<AppEnv>): string | null => c.req.header("User-Agent")?.slice(0, 512) ?? null;

/** An audit entry filled with who/where/which request, from the request context. */
export function auditEntry(c: Context<AppEnv>, entry: Omit<AuditEntry, "ip" | "userAgent" | "requestId" | "at"> & { at?: string }): AuditEntry {
  return { ...entry, at: entry.at ?? iso(), ip: clientIp(c), userAgent: userAgent(c), requestId: c.get("requestId") };
}

/** The token issuer of a project: PUBLIC_URL (or this origin) + the project's Auth API base path. */
export function issuerOf(c: Context<AppEnv>, projectId: string): string {
  const origin = c.env.PUBLIC_URL || new URL(c.req.url).origin;
  return `${origin.replace(/\/+$/, "")}/api/auth/${projectId}`;
}
