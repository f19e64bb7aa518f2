// Per-project ES256 signing keys: generated with the project, private half sealed at rest
// under KEY_ENCRYPTION_SECRET, imported keys cached per isolate (a kid's key never changes).
import { openSealed, type SealingSecrets, seal } from "./box";
import { randomId } from "./random";

export const SIGNING_ALG = "ES256";
const EC = { name: "ECDSA", namedCurve: "P-256" } as const;

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: typeof SIGNING_ALG;
  use: "sig";
}

export interface NewSigningKey {
  kid: string;
  publicJwk: PublicJwk;
  privateBox: string;
}

export function requireSecret(secret: string | undefined): string {
  if (!secret || secret.length < 32) throw new Error("KEY_ENCRYPTION_SECRET is missing or shorter than 32 characters");
  return secret;
}

export const signingKeyPurpose = (kid: string) => `signing-key:${kid}`;

export async function generateSigningKey(secret: string | undefined): Promise<NewSigningKey> {
  const kid = randomId("key");
  const pair = (await crypto.subtle.generateKey(EC, true, ["sign", "verify"])) as CryptoKeyPair;
  const { kty, crv, x, y } = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  const privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  return {
    kid,
    publicJwk: { kty, crv, x, y, kid, alg: SIGNING_ALG, use: "sig" },
    privateBox: await seal(requireSecret(secret), signingKeyPurpose(kid), JSON.stringify(privateJwk)),
  };
}

const privateKeys = new Map<string, Promise<CryptoKey>>();
const publicKeys = new Map<string, Promise<CryptoKey>>();

// Keyed by the box, not the kid: a re-seal (secret rotation) gives the same key a new box, which is then opened afresh.
export function importPrivateKey(kid: string, privateBox: string, secrets: SealingSecrets): Promise<CryptoKey> {
  let key = privateKeys.get(privateBox);
  if (!key) {
    key = (async () => {
      const jwk = await openSealed(secrets, signingKeyPurpose(kid), privateBox);
      if (!jwk) throw new Error(`signing key ${kid} cannot be decrypted with KEY_ENCRYPTION_SECRET or KEY_ENCRYPTION_SECRET_PREVIOUS`);
      return crypto.subtle.importKey("jwk", JSON.parse(jwk), EC, false, ["sign"]);
    })();
    key.catch(() => privateKeys.delete(privateBox));
    if (privateKeys.size >= 1_000) privateKeys.clear(); // bounded: a full cache simply starts over
    privateKeys.set(privateBox, key);
  }
  return key;
}

export function importPublicKey(kid: string, jwk: PublicJwk): Promise<CryptoKey> {
  let key = publicKeys.get(kid);
  if (!key) {
    key = crypto.subtle.importKey("jwk", jwk, EC, false, ["verify"]);
    publicKeys.set(kid, key);
  }
  return key;
}
