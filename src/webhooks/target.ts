// Where a webhook may point (DESIGN §12): checked when it is saved and again before each attempt,
// so a project moved out of development stops calling loopback without any migration.
import type { Environment } from "../db/projects.repo";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
// Names that only resolve inside a network (RFC 6761/6762, RFC 8375 and common private zones).
const PRIVATE_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp", ".private", ".localdomain"];
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Why `raw` is not an acceptable target for a project in `environment`, or null when it is. */
export function targetProblem(raw: string, environment: Environment): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL";
  }
  if (url.username || url.password) return "must not contain credentials";
  if (raw.includes("#")) return "must not contain a fragment";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  // Only loopback as written: 2130706433 or 0x7f.1 parse to 127.0.0.1 too, and are refused as IP literals below.
  const spelledAsIs = raw
    .slice(raw.indexOf("//") + 2)
    .toLowerCase()
    .startsWith(host);
  if (LOOPBACK.has(host) && spelledAsIs) {
    if (environment !== "development") return "loopback targets are allowed only in development projects";
    return url.protocol === "http:" || url.protocol === "https:" ? null : "must use https";
  }
  if (url.protocol !== "https:") return "must use https (http only to localhost in development projects)";
  if (IPV4.test(host) || host.startsWith("[")) return "must name a host, not an IP address";
  if (!host.includes(".") || PRIVATE_SUFFIXES.some((suffix) => `.${host}`.endsWith(suffix))) return "must be a public host name";
  return null;
}
