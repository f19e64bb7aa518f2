// WebAuthn responses built byte by byte for the differential verifier test: software credentials
// for ES256, EdDSA (Ed25519) and RS256 (WebCrypto keys), and registration/authentication
// responses where every part (client data, flags, attested data, attestation statement,
// signature) can be replaced, to present malformed or hostile input.
import { FLAG, b64url, cbor, concat, derSignature, fromB64url, sha256, u32 } from "./webauthn";

export type Alg = "ES256" | "EdDSA" | "RS256";
export const COSE_ALG_OF: Record<Alg, number> = { ES256: -7, EdDSA: -8, RS256: -257 };

type CborValue = Parameters<typeof cbor>[0];
export interface SoftCredential {
  alg: Alg;
  keys: CryptoKeyPair;
  /** The COSE_Key map entries (label, value), in the order authenticators write them. */
  coseEntries: [number, CborValue][];
  cose: Uint8Array;
  /** Signs as the authenticator would (ECDSA in DER); `raw` gives WebCrypto's r||s for ECDSA. */
  sign(data: Uint8Array, raw?: boolean): Promise<Uint8Array>;
}

export async function softCredential(alg: Alg): Promise<SoftCredential> {
  let keys: CryptoKeyPair;
  let coseEntries: [number, CborValue][];
  let params: { name: string; hash?: string };
  if (alg === "ES256") {
    keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
    coseEntries = [
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, fromB64url(jwk.x!)],
      [-3, fromB64url(jwk.y!)],
    ];
    params = { name: "ECDSA", hash: "SHA-256" };
  } else if (alg === "EdDSA") {
    keys = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", keys.publicKey)) as ArrayBuffer);
    coseEntries = [
      [1, 1],
      [3, -8],
      [-1, 6],
      [-2, raw],
    ];
    params = { name: "Ed25519" };
  } else {
    keys = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
    coseEntries = [
      [1, 3],
      [3, -257],
      [-1, fromB64url(jwk.n!)],
      [-2, fromB64url(jwk.e!)],
    ];
    params = { name: "RSASSA-PKCS1-v1_5" };
  }
  const sign = async (data: Uint8Array, raw = false) => {
    const sig = new Uint8Array(await crypto.subtle.sign(params, keys.privateKey, new Uint8Array(data)));
    return alg === "ES256" && !raw ? derSignature(sig) : sig;
  };
  return { alg, keys, coseEntries, cose: cbor(new Map(coseEntries)), sign };
}

export const RP_ID = "auth.example.test";
export const ORIGINS = ["https://auth.example.test", "https://app.example.test"];
export const CHALLENGE = "dGhlLWNoYWxsZW5nZS1mb3ItdGhlLWRpZmZlcmVudGlhbC10ZXN0";

export interface Parts {
  /** clientDataJSON fields, replacing (or, with undefined, removing) the defaults. */
  clientData?: Record<string, unknown>;
  /** The clientDataJSON bytes outright. */
  clientDataBytes?: Uint8Array;
  rpId?: string;
  flags?: number;
  counter?: number;
  aaguid?: Uint8Array;
  /** Registration: the attested credential id (default random 16 bytes). */
  credentialId?: Uint8Array;
  /** Registration: the attested credential data outright (AT flag left as `flags` says). */
  attested?: Uint8Array | null;
  /** The COSE key bytes written in the attested data (default the credential's). */
  cose?: Uint8Array;
  extensions?: Uint8Array;
  trailing?: Uint8Array;
  fmt?: string;
  attStmt?: CborValue;
  /** The attestation statement as a function of the signed bytes (authData || SHA-256(clientDataJSON)). */
  attStmtOf?: (signed: Uint8Array) => Promise<CborValue>;
  /** Bytes appended after the attestation object's CBOR. */
  objectTrailing?: Uint8Array;
  id?: string;
  rawId?: string;
  type?: string;
  /** Authentication: the signature outright, or a function of the correct one. */
  signature?: Uint8Array | ((sig: Uint8Array, signed: Uint8Array) => Promise<Uint8Array> | Uint8Array);
  /** Authentication: replace authenticatorData after signing. */
  authDataAfterSigning?: (authData: Uint8Array) => Uint8Array;
}

function clientDataOf(type: string, p: Parts): Uint8Array {
  if (p.clientDataBytes) return p.clientDataBytes;
  const fields: Record<string, unknown> = { type, challenge: CHALLENGE, origin: ORIGINS[0], crossOrigin: false, ...p.clientData };
  return new TextEncoder().encode(JSON.stringify(fields));
}

/** A registration response (credential.toJSON() shape) and the credential id it attests. */
export async function registrationResponse(cred: SoftCredential, p: Parts = {}) {
  const clientData = clientDataOf("webauthn.create", p);
  const credentialId = p.credentialId ?? crypto.getRandomValues(new Uint8Array(16));
  const flags = p.flags ?? FLAG.UP | FLAG.UV | FLAG.AT;
  const cose = p.cose ?? cred.cose;
  const attested =
    p.attested === null
      ? new Uint8Array()
      : (p.attested ?? concat(p.aaguid ?? new Uint8Array(16), new Uint8Array([credentialId.length >> 8, credentialId.length & 0xff]), credentialId, cose));
  const authData = concat(
    await sha256(p.rpId ?? RP_ID),
    new Uint8Array([flags]),
    u32(p.counter ?? 0),
    attested,
    p.extensions ?? new Uint8Array(),
    p.trailing ?? new Uint8Array(),
  );
  const attStmt = p.attStmtOf ? await p.attStmtOf(concat(authData, await sha256(clientData))) : (p.attStmt ?? new Map());
  const object = concat(
    cbor(
      new Map<string, CborValue>([
        ["fmt", p.fmt ?? "none"],
        ["attStmt", attStmt],
        ["authData", authData],
      ]),
    ),
    p.objectTrailing ?? new Uint8Array(),
  );
  const id = b64url(credentialId);
  return {
    id: p.id ?? id,
    rawId: p.rawId ?? p.id ?? id,
    type: (p.type ?? "public-key") as "public-key",
    clientExtensionResults: {},
    response: { clientDataJSON: b64url(clientData), attestationObject: b64url(object), transports: ["internal"] },
  };
}

/** An authentication response signed by `signer` (default the credential) for `credentialId`. */
export async function authenticationResponse(cred: SoftCredential, credentialId: string, p: Parts = {}, signer: SoftCredential = cred) {
  const clientData = clientDataOf("webauthn.get", p);
  const flags = p.flags ?? FLAG.UP | FLAG.UV;
  let authData: Uint8Array = concat(
    await sha256(p.rpId ?? RP_ID),
    new Uint8Array([flags]),
    u32(p.counter ?? 1),
    p.attested ?? new Uint8Array(),
    p.extensions ?? new Uint8Array(),
    p.trailing ?? new Uint8Array(),
  );
  const signed = concat(authData, await sha256(clientData));
  let signature: Uint8Array = await signer.sign(signed);
  if (p.signature instanceof Uint8Array) signature = p.signature;
  else if (p.signature) signature = await p.signature(signature, signed);
  if (p.authDataAfterSigning) authData = p.authDataAfterSigning(authData);
  return {
    id: p.id ?? credentialId,
    rawId: p.rawId ?? p.id ?? credentialId,
    type: (p.type ?? "public-key") as "public-key",
    clientExtensionResults: {},
    response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: "dXNlcg" },
  };
}
