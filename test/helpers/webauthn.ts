// A software passkey authenticator for tests: ES256 keys from WebCrypto, clientDataJSON and
// authenticatorData built by hand, the attestation object CBOR-encoded (fmt "none"). It answers
// the server's options JSON with what a browser's credential.toJSON() gives, so the tests drive
// registration and sign-in over HTTP without a browser (the real browser test is test/node/passkeys-browser).

type CborValue = number | string | Uint8Array | CborValue[] | Map<number | string, CborValue> | { [key: string]: CborValue };

/** Minimal CBOR (RFC 8949) encoder: unsigned/negative ints, byte and text strings, arrays, maps. */
export function cbor(value: CborValue): Uint8Array {
  const out: number[] = [];
  const head = (major: number, n: number) => {
    if (n < 24) out.push((major << 5) | n);
    else if (n < 0x100) out.push((major << 5) | 24, n);
    else if (n < 0x10000) out.push((major << 5) | 25, n >> 8, n & 0xff);
    else out.push((major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
  };
  const write = (v: CborValue) => {
    if (typeof v === "number") {
      if (!Number.isInteger(v)) throw new Error("cbor: integers only");
      if (v >= 0) head(0, v);
      else head(1, -1 - v);
    } else if (typeof v === "string") {
      const bytes = new TextEncoder().encode(v);
      head(3, bytes.length);
      out.push(...bytes);
    } else if (v instanceof Uint8Array) {
      head(2, v.length);
      out.push(...v);
    } else if (Array.isArray(v)) {
      head(4, v.length);
      v.forEach(write);
    } else {
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
      head(5, entries.length);
      for (const [key, item] of entries) {
        write(key);
        write(item);
      }
    }
  };
  write(value);
  return new Uint8Array(out);
}

export const b64url = (bytes: Uint8Array | ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
export const fromB64url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

export const sha256 = async (bytes: Uint8Array | string) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes));
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
export const u32 = (n: number) => new Uint8Array([(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** An unsigned big-endian integer as a minimal DER INTEGER. */
export function derInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = bytes.slice(i);
  if (v[0]! & 0x80) v = concat(new Uint8Array([0]), v);
  return concat(new Uint8Array([0x02, v.length]), v);
}

/** A DER SEQUENCE of the given (already encoded) parts. */
export const derSequence = (...parts: Uint8Array[]) => {
  const body = concat(...parts);
  return concat(new Uint8Array([0x30, body.length]), body);
};

/** WebCrypto's ECDSA signature (r||s) as the DER SEQUENCE WebAuthn carries. */
export function derSignature(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return derSequence(derInteger(raw.slice(0, half)), derInteger(raw.slice(half)));
}

/** authenticatorData flag bits (WebAuthn §6.1). */
export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

export interface StoredCredential {
  id: Uint8Array;
  rpId: string;
  userHandle: string;
  keys: CryptoKeyPair;
  counter: number;
}

export interface CeremonyOverrides {
  /** The origin the "browser" puts in clientDataJSON (default: the authenticator's). */
  origin?: string;
  /** The RP id whose hash goes into authenticatorData (default: the options' rpId). */
  rpId?: string;
  /** Signature counter to report (default: stored + 1 on sign-in). */
  counter?: number;
  /** Registration: the new credential's id (default random), e.g. to present a taken one again. */
  credentialId?: Uint8Array;
  /** Whether the user was verified (default true). */
  userVerified?: boolean;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: { id: string }[];
}
interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

/** A passkey authenticator (with the browser's part) that keeps its credentials in memory. */
export class SoftAuthenticator {
  readonly credentials: StoredCredential[] = [];
  constructor(readonly origin: string) {}

  /** What navigator.credentials.create() + toJSON() would give for `options`. */
  async create(options: CreationOptions, o: CeremonyOverrides = {}) {
    const rpId = o.rpId ?? options.rp.id ?? new URL(this.origin).hostname;
    if (options.excludeCredentials?.some((d) => this.credentials.some((c) => b64url(c.id) === d.id))) throw new Error("InvalidStateError: excluded credential");
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
    const cose = cbor(
      new Map<number, CborValue>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, fromB64url(jwk.x!)],
        [-3, fromB64url(jwk.y!)],
      ]),
    );
    const id = o.credentialId ?? crypto.getRandomValues(new Uint8Array(16));
    const credential: StoredCredential = { id, rpId, userHandle: options.user.id, keys, counter: o.counter ?? 0 };
    const flags = FLAG.UP | (o.userVerified === false ? 0 : FLAG.UV) | FLAG.AT;
    const attested = concat(new Uint8Array(16), new Uint8Array([id.length >> 8, id.length & 0xff]), id, cose);
    const authData = concat(await sha256(rpId), new Uint8Array([flags]), u32(credential.counter), attested);
    const clientDataJSON = JSON.stringify({ type: "webauthn.create", challenge: options.challenge, origin: o.origin ?? this.origin, crossOrigin: false });
    this.credentials.push(credential);
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: "public-key" as const,
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(new TextEncoder().encode(clientDataJSON)),
        attestationObject: b64url(cbor({ fmt: "none", attStmt: {}, authData })),
        transports: ["internal"],
      },
    };
  }

  /** What navigator.credentials.get() + toJSON() would give: the newest matching credential signs. */
  async get(options: RequestOptions, o: CeremonyOverrides = {}, credential?: StoredCredential) {
    const rpId = options.rpId ?? new URL(this.origin).hostname;
    const allowed = options.allowCredentials?.map((d) => d.id);
    const chosen = credential ?? [...this.credentials].reverse().find((c) => c.rpId === rpId && (!allowed?.length || allowed.includes(b64url(c.id))));
    if (!chosen) throw new Error("NotAllowedError: no credential for this RP");
    chosen.counter = o.counter ?? chosen.counter + 1;
    const flags = FLAG.UP | (o.userVerified === false ? 0 : FLAG.UV);
    const authData = concat(await sha256(o.rpId ?? rpId), new Uint8Array([flags]), u32(chosen.counter));
    const clientDataJSON = new TextEncoder().encode(
      JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin: o.origin ?? this.origin, crossOrigin: false }),
    );
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, chosen.keys.privateKey, concat(authData, await sha256(clientDataJSON))),
    );
    return {
      id: b64url(chosen.id),
      rawId: b64url(chosen.id),
      type: "public-key" as const,
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(derSignature(raw)),
        userHandle: chosen.userHandle,
      },
    };
  }
}
