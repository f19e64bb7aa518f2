// ID tokens (OpenID Connect Core §2): ES256 with the project's signing key, for the client (aud).
import { base64url, utf8 } from "../crypto/encoding";
import { signJwt } from "../crypto/jwt";

/** at_hash: base64url of the left half of SHA-256(access token) (Core §3.1.3.6, for ES256). */
export async function atHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(accessToken)));
  return base64url(digest.slice(0, digest.length / 2));
}

export interface IdTokenClaims {
  issuer: string;
  userId: string;
  clientId: string;
  sessionId: string;
  /** When the user signed in, epoch ms. */
  authTime: number;
  amr: readonly string[];
  nonce: string | null;
  accessToken: string;
  ttlSeconds: number;
  now: number;
  /** Claims the granted scopes release (email, email_verified, name). */
  profile: Record<string, string | boolean>;
}

export async function signIdToken(key: CryptoKey, kid: string, c: IdTokenClaims): Promise<string> {
  const registered = { issuer: c.issuer, audience: c.clientId, subject: c.userId, now: c.now, ttlSeconds: c.ttlSeconds };
  return signJwt(key, kid, "JWT", registered, {
    ...c.profile,
    azp: c.clientId,
    sid: c.sessionId,
    auth_time: Math.floor(c.authTime / 1000),
    amr: [...c.amr],
    at_hash: await atHash(c.accessToken),
    ...(c.nonce ? { nonce: c.nonce } : {}),
  });
}
