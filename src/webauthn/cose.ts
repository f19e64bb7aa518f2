// Credential public keys (COSE_Key, RFC 9052/9053) and assertion signatures, checked with
// WebCrypto. Only the algorithms the registration options offer are accepted, each with the one
// key type and curve WebAuthn §6.5.1.1 allows for it.
import { base64url } from "../crypto/encoding";
import type { Cbor } from "./cbor";

export const COSE_ALG = { EdDSA: -8, ES256: -7, RS256: -257 } as const;
/** What registration offers (pubKeyCredParams, in this order) and accepts. */
export const SUPPORTED_ALGS: readonly number[] = [COSE_ALG.EdDSA, COSE_ALG.ES256, COSE_ALG.RS256];

const KTY = { OKP: 1, EC2: 2, RSA: 3 } as const;
const CRV = { P256: 1, Ed25519: 6 } as const;

export interface CredentialKey {
  alg: number;
  /** Whether `signature` (as WebAuthn carries it) signs `data`. */
  verify(signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

const bytesParam = (key: Map<string | number, Cbor>, label: number, name: string, length?: number): Uint8Array<ArrayBuffer> => {
  const value = key.get(label);
  if (!(value instanceof Uint8Array) || value.length === 0) throw new Error(`Public key was missing ${name}`);
  if (length !== undefined && value.length !== length) throw new Error(`Public key ${name} is ${value.length} bytes, expected ${length}`);
  return new Uint8Array(value);
};

/** The COSE_Key as a WebCrypto key for its algorithm; refuses mismatched kty/crv/alg and unusable keys. */
export async function importCredentialKey(key: Map<string | number, Cbor>): Promise<CredentialKey> {
  const alg = key.get(3);
  const kty = key.get(1);
  if (typeof alg !== "number") throw new Error("Credential public key was missing numeric alg");
  if (!SUPPORTED_ALGS.includes(alg)) throw new Error(`Unexpected public key alg "${alg}", expected one of "${SUPPORTED_ALGS.join(", ")}"`);
  if (alg === COSE_ALG.ES256) {
    if (kty !== KTY.EC2 || key.get(-1) !== CRV.P256) throw new Error("An ES256 public key must be an EC2 key on P-256");
    const point = new Uint8Array(65);
    point[0] = 0x04;
    point.set(bytesParam(key, -2, "x", 32), 1);
    point.set(bytesParam(key, -3, "y", 32), 33);
    const cryptoKey = await crypto.subtle.importKey("raw", point, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    return {
      alg,
      verify: (signature, data) => crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, cryptoKey, ecdsaDerToRaw(signature, 32), data),
    };
  }
  if (alg === COSE_ALG.EdDSA) {
    if (kty !== KTY.OKP || key.get(-1) !== CRV.Ed25519) throw new Error("An EdDSA public key must be an OKP key on Ed25519");
    const cryptoKey = await crypto.subtle.importKey("raw", bytesParam(key, -2, "x", 32), { name: "Ed25519" }, false, ["verify"]);
    return { alg, verify: (signature, data) => crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, signature, data) };
  }
  if (kty !== KTY.RSA) throw new Error("An RS256 public key must be an RSA key");
  const jwk: JsonWebKey = { kty: "RSA", alg: "RS256", n: base64url(bytesParam(key, -1, "n")), e: base64url(bytesParam(key, -2, "e")), ext: true };
  const cryptoKey = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  return { alg, verify: (signature, data) => crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, cryptoKey, signature, data) };
}

/**
 * An ECDSA signature as WebAuthn carries it (DER: SEQUENCE { INTEGER r, INTEGER s }) as the
 * fixed-size r||s WebCrypto verifies. Strict DER: definite minimal lengths, minimal positive
 * integers, nothing after the sequence.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  let at = 0;
  const byte = (): number => {
    if (at >= der.length) throw new Error("ECDSA signature is truncated");
    return der[at++]!;
  };
  const length = (): number => {
    const first = byte();
    if (first < 0x80) return first;
    if (first !== 0x81) throw new Error("ECDSA signature has an unsupported length");
    const value = byte();
    if (value < 0x80) throw new Error("ECDSA signature is not DER (long form for a short length)");
    return value;
  };
  const integer = (out: Uint8Array<ArrayBuffer>, offset: number) => {
    if (byte() !== 0x02) throw new Error("ECDSA signature is not DER (INTEGER expected)");
    const len = length();
    if (len === 0 || at + len > der.length) throw new Error("ECDSA signature has a malformed INTEGER");
    let value = der.subarray(at, at + len);
    at += len;
    if (value[0]! & 0x80) throw new Error("ECDSA signature has a negative INTEGER");
    if (value[0] === 0) {
      if (len === 1 || !(value[1]! & 0x80)) throw new Error("ECDSA signature is not DER (INTEGER not minimal)");
      value = value.subarray(1);
    }
    if (value.length > size) throw new Error("ECDSA signature INTEGER is too long for the curve");
    out.set(value, offset + size - value.length);
  };
  if (byte() !== 0x30) throw new Error("ECDSA signature is not DER (SEQUENCE expected)");
  const body = length();
  if (at + body !== der.length) throw new Error("ECDSA signature length does not match its data");
  const raw = new Uint8Array(2 * size);
  integer(raw, 0);
  integer(raw, size);
  if (at !== der.length) throw new Error("ECDSA signature has bytes after its INTEGERs");
  return raw;
}
