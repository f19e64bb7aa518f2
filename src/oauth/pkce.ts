// PKCE (RFC 7636), S256 only: between the app and us, and between us and the provider.
import { base64url, utf8 } from "../crypto/encoding";
import { randomBytes, timingSafeEqual } from "../crypto/random";

/** 43–128 characters of the unreserved set (RFC 7636 §4.1). */
export const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
/** base64url of a SHA-256: 43 characters. */
export const CHALLENGE_PATTERN = /^[A-Za-z0-9\-_]{43}$/;

export const newVerifier = (): string => base64url(randomBytes(32));

export async function s256(verifier: string): Promise<string> {
  return base64url(await crypto.subtle.digest("SHA-256", utf8(verifier)));
}

/** Whether `verifier` hashes to `challenge`, compared in constant time. */
export async function verifierMatches(verifier: string, challenge: string): Promise<boolean> {
  return timingSafeEqual(utf8(await s256(verifier)), utf8(challenge));
}
