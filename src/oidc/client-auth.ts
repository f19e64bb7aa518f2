// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3):
// client_secret_basic, client_secret_post, or none for public clients (which then rely on PKCE).
import type { Context } from "hono";
import { utf8 } from "../crypto/encoding";
import { sha256Hex, timingSafeEqual } from "../crypto/random";
import { getOAuthClient, type OAuthClientRow } from "../db/oauth-clients.repo";
import { now } from "../lib/clock";
import { unknownToken } from "../lib/rate-limit";
import type { AppEnv } from "../lib/types";
import { OAuthError } from "./wire";

export type ClientAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

export const CLIENT_AUTH_METHODS: ClientAuthMethod[] = ["client_secret_basic", "client_secret_post", "none"];

/** The form fields a client may authenticate with. */
export interface ClientCredentials {
  client_id?: string;
  client_secret?: string;
}

/** `client_id:client_secret` from an HTTP Basic header, each form-urlencoded first (RFC 6749 §2.3.1); null without one. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return null;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const formDecode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return null;
    }
  };
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return id === null || secret === null ? null : { id, secret };
}

/** A client secret's stored form: SHA-256 (the secret is 256 random bits, so no slow hash is needed). */
export const clientSecretHash = (secret: string) => sha256Hex(secret);

async function secretMatches(client: OAuthClientRow, secret: string): Promise<boolean> {
  const presented = utf8(await clientSecretHash(secret));
  const equal = (stored: string | null) => stored !== null && timingSafeEqual(utf8(stored), presented);
  const previousLive = client.previous_secret_until !== null && Date.parse(client.previous_secret_until) > now();
  // Both comparisons always run, so timing does not tell which secret matched.
  const current = equal(client.secret_hash);
  const previous = equal(client.previous_secret_hash);
  return current || (previousLive && previous);
}

/**
 * The client this request authenticates as. Confidential clients must present their secret (Basic
 * or in the form); public clients send only client_id. Failures are 401 invalid_client (with
 * WWW-Authenticate when Basic was tried) and count per IP (rule probe.ip).
 */
export async function authenticateClient(c: Context<AppEnv>, form: ClientCredentials): Promise<{ client: OAuthClientRow; method: ClientAuthMethod }> {
  const project = c.get("project");
  const basic = basicCredentials(c.req.header("Authorization"));
  if (basic && form.client_secret !== undefined) throw new OAuthError("invalid_request", "Use one client authentication method, not both");
  if (basic && form.client_id !== undefined && form.client_id !== basic.id)
    throw new OAuthError("invalid_request", "client_id does not match the Authorization header");
  const clientId = basic?.id ?? form.client_id;
  const secret = basic?.secret ?? form.client_secret;
  const method: ClientAuthMethod = basic ? "client_secret_basic" : secret !== undefined ? "client_secret_post" : "none";
  const refuse = async (description: string): Promise<never> => {
    await unknownToken(c, project);
    throw new OAuthError("invalid_client", description, 401, basic ? { "WWW-Authenticate": `Basic realm="${project.id}"` } : {});
  };
  if (!clientId) return refuse("Client authentication is required (client_id)");
  const client = await getOAuthClient(c.env.DB, project.id, clientId);
  if (!client) return refuse("Unknown client");
  if (client.type === "public") {
    if (secret !== undefined) return refuse("This client is public: it has no secret");
    return { client, method };
  }
  if (secret === undefined || !(await secretMatches(client, secret))) return refuse("Client authentication failed");
  return { client, method };
}
