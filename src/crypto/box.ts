// Authenticated encryption (AES-256-GCM) under a key derived with HKDF from a secret,
// for values that must be readable later but never stored in the clear.
import { base64url, fromBase64url, fromUtf8, utf8 } from "./encoding";
import { randomBytes } from "./random";

const keyCache = new Map<string, Promise<CryptoKey>>();

function deriveKey(secret: string, purpose: string): Promise<CryptoKey> {
  const cacheKey = `${purpose}\u0000${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", utf8(secret), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: utf8("edge-auth/box/v1"), info: utf8(purpose) },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    // Only long-lived configuration secrets are worth caching; per-token keys are used once.
    if (!purpose.startsWith("once:")) keyCache.set(cacheKey, key);
  }
  return key;
}

/** `v1.<iv>.<ciphertext>`; `purpose` binds the ciphertext to its use (it is also the AAD). */
export async function seal(secret: string, purpose: string, plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const key = await deriveKey(secret, purpose);
  const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(purpose) }, key, utf8(plaintext));
  return `v1.${base64url(iv)}.${base64url(data)}`;
}

/** The plaintext, or null when the box was not sealed with this secret and purpose. */
export async function open(secret: string, purpose: string, box: string): Promise<string | null> {
  const [version, iv, data] = box.split(".");
  if (version !== "v1" || !iv || !data) return null;
  try {
    const key = await deriveKey(secret, purpose);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64url(iv), additionalData: utf8(purpose) }, key, fromBase64url(data));
    return fromUtf8(plain);
  } catch {
    return null;
  }
}
