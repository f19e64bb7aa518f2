// Email sign-in codes: six uniform digits, kept at rest only as an HMAC under a key derived from
// KEY_ENCRYPTION_SECRET, so a copy of the database alone cannot try the million codes offline.
import { hex, utf8 } from "./encoding";
import { requireSecret } from "./keys";
import { randomBytes, timingSafeEqual } from "./random";

const keys = new Map<string, Promise<CryptoKey>>();

function codeKey(configured: string | undefined): Promise<CryptoKey> {
  const secret = requireSecret(configured);
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", utf8(secret), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: utf8("edge-auth/sign-in-code/v1"), info: utf8("passwordless code") },
          base,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign"],
        ),
      );
    keys.set(secret, key);
  }
  return key;
}

/** Six digits, uniform: rejection sampling keeps 0-999999 equally likely. */
export function newSignInCode(): string {
  for (;;) {
    const [n] = new Uint32Array(randomBytes(4).buffer);
    if (n! < 4_294_000_000) return String(n! % 1_000_000).padStart(6, "0");
  }
}

/** The code's HMAC, bound to its row's salt, project and address (a code of another project or address never matches). */
export async function signInCodeHash(secret: string | undefined, salt: string, projectId: string, email: string, code: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await codeKey(secret), utf8(`${salt}\u0000${projectId}\u0000${email}\u0000${code}`));
  return hex(mac);
}

/** Constant-time comparison of a submitted code against the stored HMAC. */
export async function matchSignInCode(
  secret: string | undefined,
  salt: string,
  projectId: string,
  email: string,
  code: string,
  stored: string,
): Promise<boolean> {
  return timingSafeEqual(utf8(await signInCodeHash(secret, salt, projectId, email, code)), utf8(stored));
}
