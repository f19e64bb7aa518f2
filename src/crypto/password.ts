// Password hashing: scrypt (node:crypto, native in workerd) at OWASP's minimum N=2^14, r=8, p=5.
// Hashes are self-describing so parameters can rise later; old hashes upgrade on the next login.
import { scrypt as scryptCallback } from "node:crypto";
import { base64url, fromBase64url, utf8 } from "./encoding";
import { randomBytes, timingSafeEqual } from "./random";
import COMMON_PASSWORDS from "./common-passwords.json";

export interface ScryptParams {
  ln: number; // log2(N)
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { ln: 14, r: 8, p: 5 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** Counts scrypt evaluations, so tests can prove every login path costs the same work. */
export const hashStats = { scrypt: 0 };

function scrypt(input: Uint8Array, salt: Uint8Array, { ln, r, p }: ScryptParams): Promise<Uint8Array> {
  hashStats.scrypt++;
  const N = 2 ** ln;
  return new Promise((resolve, reject) =>
    scryptCallback(input, salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(new Uint8Array(key)))),
  );
}

// With a pepper, scrypt hashes HMAC-SHA256(pepper, password): a stolen database alone is not enough.
async function prehash(password: string, pepper: string | undefined): Promise<Uint8Array> {
  if (!pepper) return utf8(password.normalize("NFKC"));
  const key = await crypto.subtle.importKey("raw", utf8(pepper), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(password.normalize("NFKC"))));
}

interface ParsedHash {
  params: ScryptParams;
  peppered: boolean;
  salt: Uint8Array;
  hash: Uint8Array;
}

// Format: $scrypt$ln=14,r=8,p=5,pep=1$<salt>$<hash>  (base64url, no padding)
function parse(encoded: string): ParsedHash | null {
  const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+),pep=([01])\$([\w-]+)\$([\w-]+)$/.exec(encoded);
  if (!m) return null;
  return {
    params: { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    peppered: m[4] === "1",
    salt: fromBase64url(m[5]!),
    hash: fromBase64url(m[6]!),
  };
}

export async function hashPassword(password: string, pepper?: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scrypt(await prehash(password, pepper), salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p},pep=${pepper ? 1 : 0}$${base64url(salt)}$${base64url(hash)}`;
}

export async function verifyPassword(password: string, encoded: string, pepper?: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  if (parsed.peppered && !pepper) throw new Error("password hash is peppered but PASSWORD_PEPPER is not configured");
  const hash = await scrypt(await prehash(password, parsed.peppered ? pepper : undefined), parsed.salt, parsed.params);
  return timingSafeEqual(hash, parsed.hash);
}

/** True when a stored hash should be replaced (weaker parameters, or pepper added since). */
export function needsRehash(encoded: string, pepper?: string): boolean {
  const parsed = parse(encoded);
  if (!parsed) return true;
  const { ln, r, p } = parsed.params;
  return ln !== CURRENT_PARAMS.ln || r !== CURRENT_PARAMS.r || p !== CURRENT_PARAMS.p || parsed.peppered !== Boolean(pepper);
}

// A fixed hash at current parameters: verifying against it costs what a real verification costs.
const dummyHash = (peppered: boolean) =>
  `$scrypt$ln=${CURRENT_PARAMS.ln},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p},pep=${peppered ? 1 : 0}$${"A".repeat(22)}$${"A".repeat(43)}`;

/** Burns one verification's worth of work, for logins with an unknown email. */
export async function verifyAgainstDummy(password: string, pepper?: string): Promise<false> {
  await verifyPassword(password, dummyHash(Boolean(pepper)), pepper);
  return false;
}

let commonPasswords: Set<string> | undefined;

/** Why a new password is unacceptable (NIST SP 800-63B: length and blocklist, no composition rules), or null. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  commonPasswords ??= new Set(COMMON_PASSWORDS.passwords);
  if (commonPasswords.has(password.toLowerCase())) return "is one of the most commonly used passwords; choose another";
  return null;
}
