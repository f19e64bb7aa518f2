import { base64url, hex, utf8 } from "./encoding";

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** An opaque identifier such as `usr_3k9x...`: 128 random bits, URL-safe. */
export function randomId(prefix: string): string {
  return `${prefix}_${base64url(randomBytes(16)).replace(/[-_]/g, "x")}`;
}

/** A bearer secret such as `rt_...`: 256 random bits. Store only its sha256. */
export function randomToken(prefix: string): string {
  return `${prefix}_${base64url(randomBytes(32))}`;
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", utf8(text)));
}

/** Constant-time equality of two equal-length byte arrays (length itself is not secret here). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
