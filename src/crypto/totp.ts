// TOTP (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits, 30-second steps, as every
// authenticator app implements by default. Secrets are 160 random bits, shown once as base32.
import { utf8 } from "./encoding";
import { randomBytes, sha256Hex, timingSafeEqual } from "./random";

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function fromBase32(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.toUpperCase().replace(/=+$/, "");
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** What a user's TOTP secret is sealed for: bound to project and user, so a box copied elsewhere does not open. */
export const totpSecretPurpose = (projectId: string, userId: string) => `totp-secret:${projectId}:${userId}`;

/** What an admin's TOTP secret is sealed for: a box copied to another admin's row does not open. */
export const adminTotpSecretPurpose = (adminId: string) => `admin-totp:${adminId}`;

/** A new secret, base32 (what authenticator apps take). */
export const newTotpSecret = (): string => base32(randomBytes(20));

/** The time step of an instant (epoch ms). */
export const totpStep = (atMs: number): number => Math.floor(atMs / 1000 / TOTP_PERIOD_S);

/** The code of `step` for `secret` (base32). */
export async function totpCode(secret: string, step: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", fromBase32(secret), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const counter = new DataView(new ArrayBuffer(8));
  counter.setUint32(0, Math.floor(step / 2 ** 32));
  counter.setUint32(4, step >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter.buffer));
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** TOTP_DIGITS).padStart(TOTP_DIGITS, "0");
}

/**
 * The step `code` is valid for, within ±`window` steps of `atMs`, or null. Every candidate is
 * computed and compared in constant time, so timing tells nothing about which step matched.
 * The caller refuses a step at or before the last one accepted (a code is used once).
 */
export async function matchTotp(secret: string, code: string, atMs: number, window = 1): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const now = totpStep(atMs);
  let matched: number | null = null;
  for (let step = now - window; step <= now + window; step++) {
    if (timingSafeEqual(utf8(await totpCode(secret, step)), utf8(code)) && matched === null) matched = step;
  }
  return matched;
}

/** The otpauth:// URI authenticator apps read from a QR code (Google Authenticator's key-URI format). */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: String(TOTP_DIGITS), period: String(TOTP_PERIOD_S) });
  return `otpauth://totp/${label}?${params.toString()}`;
}

/**
 * Recovery codes (users' and admins' alike) read `xxxxx-xxxxx`: 50 random bits in base32, so no
 * 0/1/8/9 to misread. Stored as the SHA-256 of their normalized form; typed in any case, with or without the dash.
 */
export const recoveryCodeHash = (code: string) => sha256Hex(`recovery:${code.toLowerCase().replace(/[\s-]/g, "")}`);

/** `count` new recovery codes, to show once, and the hashes to store. */
export async function newRecoveryCodes(count: number): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: count }, () => {
    const text = base32(randomBytes(7)).slice(0, 10).toLowerCase();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
  return { codes, hashes: await Promise.all(codes.map(recoveryCodeHash)) };
}
