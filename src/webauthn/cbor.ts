// CBOR reading for WebAuthn structures on top of @levischuck/tiny-cbor, with the two guards it
// lacks: it reads `.buffer` from offset 0 (so it gets a private copy) and does not bound byte
// strings (so the item's end is checked here).
import { type CBORType, decodePartialCBOR, encodeCBOR } from "@levischuck/tiny-cbor";

export type Cbor = CBORType;

/** One CBOR item of `bytes` starting at `at`: its value and the offset just past it. */
export function readItem(bytes: Uint8Array, at: number): { value: Cbor; end: number } {
  if (at >= bytes.length) throw new Error("CBOR data ends before the expected item");
  const [value, length] = decodePartialCBOR(bytes.slice(), at);
  const end = at + length;
  if (end > bytes.length) throw new Error("CBOR item runs past the end of its data");
  return { value, end };
}

/** `bytes` as exactly one CBOR item (nothing after it). */
export function readWhole(bytes: Uint8Array): Cbor {
  const { value, end } = readItem(bytes, 0);
  if (end !== bytes.length) throw new Error("Unexpected bytes after the CBOR item");
  return value;
}

/**
 * readItem, also requiring the shortest encoding (what authenticators write): the item's bytes
 * are then exactly what a decode-encode round trip gives, the length @simplewebauthn steps over.
 */
export function readCanonicalItem(bytes: Uint8Array, at: number): { value: Cbor; raw: Uint8Array; end: number } {
  const { value, end } = readItem(bytes, at);
  const raw = bytes.slice(at, end);
  if (!sameBytes(encodeCBOR(value), raw)) throw new Error("CBOR item is not in its shortest encoding");
  return { value, raw, end };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const isMap = (value: Cbor): value is Map<string | number, Cbor> => value instanceof Map;
