// authenticatorData (WebAuthn §6.1): rpIdHash, flags, signCount, then the attested credential
// data (AT) and the extensions map (ED), each present exactly when its flag says so.
import { type Cbor, isMap, readCanonicalItem } from "./cbor";

export interface AuthenticatorFlags {
  up: boolean;
  uv: boolean;
  be: boolean;
  bs: boolean;
  at: boolean;
  ed: boolean;
}

export interface AttestedCredential {
  aaguid: Uint8Array;
  credentialId: Uint8Array;
  /** The COSE_Key bytes as the authenticator wrote them (shortest CBOR encoding). */
  publicKey: Uint8Array;
  publicKeyMap: Map<string | number, Cbor>;
}

export interface AuthenticatorData {
  rpIdHash: Uint8Array;
  flags: AuthenticatorFlags;
  counter: number;
  attested?: AttestedCredential;
  extensions?: Map<string | number, Cbor>;
}

/** WebAuthn §7.1: a credential id longer than this is refused. */
export const CREDENTIAL_ID_MAX_BYTES = 1023;

export function parseAuthenticatorData(data: Uint8Array): AuthenticatorData {
  if (data.length < 37) throw new Error(`Authenticator data was ${data.length} bytes, expected at least 37 bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const bits = data[32]!;
  const flags: AuthenticatorFlags = {
    up: (bits & 0x01) !== 0,
    uv: (bits & 0x04) !== 0,
    be: (bits & 0x08) !== 0,
    bs: (bits & 0x10) !== 0,
    at: (bits & 0x40) !== 0,
    ed: (bits & 0x80) !== 0,
  };
  const parsed: AuthenticatorData = { rpIdHash: data.slice(0, 32), flags, counter: view.getUint32(33, false) };
  let at = 37;
  if (flags.at) {
    if (data.length < at + 18) throw new Error("Attested credential data is truncated");
    const aaguid = data.slice(at, at + 16);
    const idLength = view.getUint16(at + 16, false);
    at += 18;
    if (idLength === 0) throw new Error("No credential ID was provided by authenticator");
    if (idLength > CREDENTIAL_ID_MAX_BYTES) throw new Error(`Credential ID is ${idLength} bytes, at most ${CREDENTIAL_ID_MAX_BYTES} are allowed`);
    if (data.length < at + idLength) throw new Error("Credential ID is truncated");
    const credentialId = data.slice(at, at + idLength);
    at += idLength;
    const key = readCanonicalItem(data, at);
    if (!isMap(key.value)) throw new Error("Credential public key is not a CBOR map");
    parsed.attested = { aaguid, credentialId, publicKey: key.raw, publicKeyMap: key.value };
    at = key.end;
  }
  if (flags.ed) {
    const extensions = readCanonicalItem(data, at);
    if (!isMap(extensions.value)) throw new Error("Authenticator extensions are not a CBOR map");
    parsed.extensions = extensions.value;
    at = extensions.end;
  }
  if (at !== data.length) throw new Error("Leftover bytes detected while parsing authenticator data");
  return parsed;
}

/** WebAuthn §6.1.3: a credential that is not backup eligible cannot be backed up. */
export function backupStateOf(flags: AuthenticatorFlags): { deviceType: "singleDevice" | "multiDevice"; backedUp: boolean } {
  if (!flags.be && flags.bs) throw new Error("Single-device credential indicated that it was backed up, which should be impossible.");
  return { deviceType: flags.be ? "multiDevice" : "singleDevice", backedUp: flags.bs };
}

/** The AAGUID as a UUID string (8-4-4-4-12 lowercase hex). */
export function aaguidString(aaguid: Uint8Array): string {
  const hex = Array.from(aaguid, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
