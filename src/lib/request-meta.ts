import type { Context } from "hono";
import type { AuditEntry } from "../db/audit.repo";
import type { AppEnv } from "./types";
import { iso } from "./clock";

/** Client address as Cloudflare reports it; absent when not behind Cloudflare (tests). */
export const clientIp = (c: Context<AppEnv>): string | null => c.req.header("CF-Connecting-IP") ?? null;

/**
 * The rate-limit key of an address: IPv4 as it is, IPv6 by its /64 (one subscriber usually holds a
 * whole /64, so per-address limits would be free to dodge). IPv4-mapped IPv6 counts as IPv4.
 */
export function ipBucket(ip: string): string {
  const text = ip.trim().toLowerCase().replace(/%.*$/, "");
  if (!text.includes(":")) return ip;
  const hextets = expandIpv6(text);
  if (!hextets) return ip;
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    return [hextets[6]! >> 8, hextets[6]! & 255, hextets[7]! >> 8, hextets[7]! & 255].join(".");
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail), or null. */
function expandIpv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const parse = (parts: string[]): number[] | null => {
    const out: number[] = [];
    for (const [i, part] of parts.entries()) {
      const v4 = i === parts.length - 1 && /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(part);
      if (v4) {
        const b = v4.slice(1).map(Number);
        if (b.some((n) => n > 255)) return null;
        out.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else if (/^[0-9a-f]{1,4}$/.test(part)) out.push(parseInt(part, 16));
      else return null;
    }
    return out;
  };
  const head = parse(groups(halves[0]!));
  const tail = halves.length === 2 ? parse(groups(halves[1]!)) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}

/** This request's per-IP rate-limit key (see ipBucket); null when the address is unknown. */
export const clientBucket = (c: Context<AppEnv>): string | null => {
  const ip = clientIp(c);
  return ip ? ipBucket(ip) : null;
};

export const userAgent = (c: Context<AppEnv>): string | null => c.req.header("User-Agent")?.slice(0, 512) ?? null;

/** An audit entry filled with who/where/which request, from the request context. */
export function auditEntry(c: Context<AppEnv>, entry: Omit<AuditEntry, "ip" | "userAgent" | "requestId" | "at"> & { at?: string }): AuditEntry {
  return { ...entry, at: entry.at ?? iso(), ip: clientIp(c), userAgent: userAgent(c), requestId: c.get("requestId") };
}

/** What an admin did, successfully, as the signed-in admin of this request (admin routes only). */
export function adminAction(
  c: Context<AppEnv>,
  action: Pick<AuditEntry, "type" | "targetType" | "targetId" | "details"> & { projectId?: string | null; at?: string },
): AuditEntry {
  return auditEntry(c, { outcome: "success", actorType: "admin", actorId: c.get("admin").id, projectId: null, ...action });
}

/** The token issuer of a project: PUBLIC_URL (or this origin) + the project's Auth API base path. */
export function issuerOf(c: Context<AppEnv>, projectId: string): string {
  const origin = c.env.PUBLIC_URL || new URL(c.req.url).origin;
  return `${origin.replace(/\/+$/, "")}/api/auth/${projectId}`;
}
