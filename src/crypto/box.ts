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

/** KEY_ENCRYPTION_SECRET, and during a rotation the one it replaces (KEY_ENCRYPTION_SECRET_PREVIOUS). */
export interface SealingSecrets {
  current: string;
  previous?: string;
}

const checked = (name: string, secret: string | undefined): string => {
  if (!secret || secret.length < 32) throw new Error(`${name} is missing or shorter than 32 characters`);
  return secret;
};

/** The secrets every sealed value at rest opens with: seal under `current`, open with either. */
export function sealingSecrets(env: { KEY_ENCRYPTION_SECRET?: string; KEY_ENCRYPTION_SECRET_PREVIOUS?: string }): SealingSecrets {
  const current = checked("KEY_ENCRYPTION_SECRET", env.KEY_ENCRYPTION_SECRET);
  const previous = env.KEY_ENCRYPTION_SECRET_PREVIOUS ? checked("KEY_ENCRYPTION_SECRET_PREVIOUS", env.KEY_ENCRYPTION_SECRET_PREVIOUS) : undefined;
  return previous && previous !== current ? { current, previous } : { current };
}

/** The plaintext and whether only the previous secret opened it (the box then needs a re-seal), or null. */
export async function unseal(secrets: SealingSecrets, purpose: string, box: string): Promise<{ plaintext: string; stale: boolean } | null> {
  const plaintext = await open(secrets.current, purpose, box);
  if (plaintext !== null) return { plaintext, stale: false };
  const old = secrets.previous ? await open(secrets.previous, purpose, box) : null;
  return old === null ? null : { plaintext: old, stale: true };
}

/** The one way configuration-sealed values are opened: with the current secret, else the previous one. */
export const openSealed = async (secrets: SealingSecrets, purpose: string, box: string): Promise<string | null> =>
  (await unseal(secrets, purpose, box))?.plaintext ?? null;
