// Password hashes made by other systems, accepted by the user import and verified at login until
// that login replaces them with ours. Formats (README, "Importing users"):
//   bcrypt   $2a$/$2b$/$2y$<cost>$<53 chars>                   cost ≤ 14
//   scrypt   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>     passlib's format; salt and hash base64
//            (standard, URL-safe or passlib's "." alphabet, padding optional); 128·N·r ≤ 64 MiB, p ≤ 16
//   PBKDF2   pbkdf2_sha256$<iterations>$<salt>$<base64 hash>    Django (the salt is used as its UTF-8 text)
//            $pbkdf2-sha256$<iterations>$<salt>$<hash>          passlib / PHC-style (salt and hash base64 as above)
//            iterations ≤ 2,000,000
// PBKDF2 runs in pure JavaScript (@noble/hashes): Workers refuse WebCrypto (and node:crypto) PBKDF2
// above 100,000 iterations in production, and imported hashes often use far more.
import { scrypt as scryptCallback } from "node:crypto";
import { pbkdf2Async } from "@noble/hashes/pbkdf2.js";
import { sha256 } from "@noble/hashes/sha2.js";
import bcrypt from "bcryptjs";
import { IMPORTED_HASH_LIMITS as LIMITS } from "../config";
import { utf8 } from "./encoding";
import { timingSafeEqual } from "./random";

type Parsed =
  | { kind: "bcrypt"; cost: number; hash: string }
  | { kind: "scrypt"; ln: number; r: number; p: number; salt: Uint8Array; hash: Uint8Array }
  | { kind: "pbkdf2"; iterations: number; salt: Uint8Array; hash: Uint8Array };

/** Base64 in any of the alphabets these formats use, padding optional; null when it is not. */
function fromAnyBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/._-]*={0,2}$/.test(text)) return null;
  const b64 = text.replace(/=+$/, "").replace(/[-.]/g, "+").replace(/_/g, "/");
  if (b64.length % 4 === 1) return null;
  try {
    const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

const BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const SCRYPT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([^$]+)\$([^$]+)$/;
const DJANGO = /^pbkdf2_sha256\$(\d{1,9})\$([^$]+)\$([^$]+)$/;
const PASSLIB = /^\$pbkdf2-sha256\$(\d{1,9})\$([^$]+)\$([^$]+)$/;

/** The parsed hash, or why it is refused (unknown format, or parameters past IMPORTED_HASH_LIMITS). */
function parse(encoded: string): Parsed | string {
  let m = BCRYPT.exec(encoded);
  if (m) {
    const cost = Number(m[1]);
    if (cost < 4 || cost > LIMITS.bcryptMaxCost) return `bcrypt cost must be between 4 and ${LIMITS.bcryptMaxCost}`;
    return { kind: "bcrypt", cost, hash: encoded };
  }
  m = SCRYPT.exec(encoded);
  if (m) {
    const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const salt = fromAnyBase64(m[4]!);
    const hash = fromAnyBase64(m[5]!);
    if (!salt || !hash || salt.length === 0 || hash.length < 16 || hash.length > 64) return "scrypt salt or hash is not valid base64 (hash 16 to 64 bytes)";
    if (ln < 1 || r < 1 || p < 1 || p > LIMITS.scryptMaxP || 128 * 2 ** ln * r > LIMITS.scryptMaxMemoryBytes)
      return `scrypt parameters exceed the limits (128·2^ln·r ≤ ${LIMITS.scryptMaxMemoryBytes} bytes, p ≤ ${LIMITS.scryptMaxP})`;
    return { kind: "scrypt", ln, r, p, salt, hash };
  }
  const django = DJANGO.exec(encoded);
  const passlib = django ? null : PASSLIB.exec(encoded);
  m = django ?? passlib;
  if (m) {
    const iterations = Number(m[1]);
    if (iterations < 1 || iterations > LIMITS.pbkdf2MaxIterations) return `PBKDF2 iterations must be between 1 and ${LIMITS.pbkdf2MaxIterations}`;
    const salt = django ? utf8(m[2]!) : fromAnyBase64(m[2]!);
    const hash = fromAnyBase64(m[3]!);
    if (!salt || !hash || salt.length === 0 || hash.length < 16 || hash.length > 64) return "PBKDF2 salt or hash is not valid base64 (hash 16 to 64 bytes)";
    return { kind: "pbkdf2", iterations, salt, hash };
  }
  return "unsupported password hash format (bcrypt, scrypt or PBKDF2-SHA256; see the README)";
}

export const isImportedHash = (encoded: string): boolean => typeof parse(encoded) !== "string";

/** Why an imported hash is refused, or null when it is accepted. */
export function importedHashProblem(encoded: string): string | null {
  const parsed = parse(encoded);
  return typeof parsed === "string" ? parsed : null;
}

function scrypt(password: Uint8Array, salt: Uint8Array, ln: number, r: number, p: number, length: number): Promise<Uint8Array> {
  const N = 2 ** ln;
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key)))),
  );
}

/** One evaluation of an imported hash (the password as given: these systems did not normalize it). */
export async function verifyImportedHash(password: string, encoded: string, stats: { imported: number }): Promise<boolean> {
  const parsed = parse(encoded);
  if (typeof parsed === "string") return false;
  stats.imported++;
  switch (parsed.kind) {
    case "bcrypt":
      // $2y$ (PHP) is the same algorithm as $2b$.
      return bcrypt.compare(password, parsed.hash.replace(/^\$2y\$/, "$2b$"));
    case "scrypt":
      return timingSafeEqual(await scrypt(utf8(password), parsed.salt, parsed.ln, parsed.r, parsed.p, parsed.hash.length), parsed.hash);
    case "pbkdf2":
      return timingSafeEqual(await pbkdf2Async(sha256, utf8(password), parsed.salt, { c: parsed.iterations, dkLen: parsed.hash.length }), parsed.hash);
  }
}
