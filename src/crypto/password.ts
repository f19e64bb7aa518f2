// Password hashing: scrypt (node:crypto, native in workerd) at OWASP's minimum N=2^14, r=8, p=5.
// Hashes are self-describing so parameters can rise later; old hashes upgrade on the next login.
import { createHash, scrypt as scryptCallback } from "node:crypto";
import { base64url, fromBase64url, utf8 } from "./encoding";
import { randomBytes, timingSafeEqual } from "./random";
import COMMON_PASSWORDS from "./common-passwords.json";
import { IMPORTED_HASH_LIMITS } from "../config";
import { importedHashProblem, isImportedHash, verifyImportedHash } from "./imported-hashes";

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

/** Counts scrypt evaluations (and of imported formats), so tests can prove every login path costs the same work. */
export const hashStats = { scrypt: 0, imported: 0 };

/** PASSWORD_PEPPER, and during a rotation the one it replaced (PASSWORD_PEPPER_PREVIOUS). */
export interface Peppers {
  current?: string;
  previous?: string;
}

export const peppersOf = (env: { PASSWORD_PEPPER?: string; PASSWORD_PEPPER_PREVIOUS?: string }): Peppers => ({
  current: env.PASSWORD_PEPPER || undefined,
  previous: env.PASSWORD_PEPPER_PREVIOUS || undefined,
});

const asPeppers = (pepper: string | Peppers | undefined): Peppers => (typeof pepper === "object" ? pepper : { current: pepper });

/** Which pepper made a hash, recorded in it (8 hex characters of SHA-256): a rotation knows which of two to use. */
export const pepperId = (pepper: string): string => createHash("sha256").update(`edge-auth/pepper-id\u0000${pepper}`).digest("hex").slice(0, 8);

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
  /** The pepper's id; absent on peppered hashes made before ids were recorded. */
  pepperId?: string;
  salt: Uint8Array;
  hash: Uint8Array;
}

// Format: $scrypt$ln=14,r=8,p=5,pep=1,pid=<pepper id>$<salt>$<hash>  (base64url, no padding);
// pep=0 has no pid, and peppered hashes made before pids existed have none either.
function parse(encoded: string): ParsedHash | null {
  const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+),pep=([01])(?:,pid=([0-9a-f]{8}))?\$([\w-]+)\$([\w-]+)$/.exec(encoded);
  if (!m || (m[4] === "0" && m[5])) return null;
  return {
    params: { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
    peppered: m[4] === "1",
    pepperId: m[5],
    salt: fromBase64url(m[6]!),
    hash: fromBase64url(m[7]!),
  };
}

/** True when `encoded` is one of our own hashes (else an imported format, or nothing). */
export const isOwnHash = (encoded: string): boolean => parse(encoded) !== null;

/** Our hash made with `pepper` (by its id), or an id-less legacy peppered hash: by the previous pepper during a rotation, else the current. */
function pepperFor(parsed: ParsedHash, peppers: Peppers): string | undefined {
  if (!parsed.peppered) return undefined;
  if (!parsed.pepperId) return peppers.previous ?? peppers.current;
  if (peppers.current && pepperId(peppers.current) === parsed.pepperId) return peppers.current;
  if (peppers.previous && pepperId(peppers.previous) === parsed.pepperId) return peppers.previous;
  return undefined;
}

export async function hashPassword(password: string, pepper?: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scrypt(await prehash(password, pepper), salt, params);
  const pep = pepper ? `1,pid=${pepperId(pepper)}` : "0";
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p},pep=${pep}$${base64url(salt)}$${base64url(hash)}`;
}

/**
 * One hash evaluation, whatever the format: ours (with the pepper that made it, current or previous)
 * or an imported one (bcrypt, scrypt, PBKDF2-SHA256; src/crypto/imported-hashes.ts).
 */
export async function verifyPassword(password: string, encoded: string, pepper?: string | Peppers): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return isImportedHash(encoded) ? verifyImportedHash(password, encoded, hashStats) : false;
  const peppers = asPeppers(pepper);
  if (parsed.peppered && !peppers.current && !peppers.previous) throw new Error("password hash is peppered but PASSWORD_PEPPER is not configured");
  const used = pepperFor(parsed, peppers);
  // A pepper we no longer have: still one evaluation (with the current one), which cannot match.
  const hash = await scrypt(await prehash(password, parsed.peppered ? (used ?? peppers.current ?? peppers.previous) : undefined), parsed.salt, parsed.params);
  return timingSafeEqual(hash, parsed.hash) && (!parsed.peppered || used !== undefined);
}

/** Why a hash cannot be imported (src/crypto/imported-hashes.ts lists the formats; ours only with a pepper this deployment has), or null. */
export function importableHashProblem(encoded: string, peppers: Peppers): string | null {
  const parsed = parse(encoded);
  if (!parsed) return importedHashProblem(encoded);
  const { ln, r, p } = parsed.params;
  if (p > IMPORTED_HASH_LIMITS.scryptMaxP || 128 * 2 ** ln * r > IMPORTED_HASH_LIMITS.scryptMaxMemoryBytes) return "scrypt parameters exceed the limits";
  if (parsed.peppered && (!parsed.pepperId || !pepperFor(parsed, peppers))) return "peppered with a PASSWORD_PEPPER this deployment does not have";
  return null;
}

/** True when a stored hash should be replaced (weaker parameters, an imported format, or another pepper than the current one). */
export function needsRehash(encoded: string, pepper?: string): boolean {
  const parsed = parse(encoded);
  if (!parsed) return true;
  const { ln, r, p } = parsed.params;
  if (ln !== CURRENT_PARAMS.ln || r !== CURRENT_PARAMS.r || p !== CURRENT_PARAMS.p || parsed.peppered !== Boolean(pepper)) return true;
  return Boolean(pepper) && parsed.pepperId !== pepperId(pepper!);
}

// A fixed hash at current parameters: verifying against it costs what a real verification costs.
const dummyHash = (peppered: boolean) =>
  `$scrypt$ln=${CURRENT_PARAMS.ln},r=${CURRENT_PARAMS.r},p=${CURRENT_PARAMS.p},pep=${peppered ? 1 : 0}$${"A".repeat(22)}$${"A".repeat(43)}`;

/** Burns one verification's worth of work, for logins with an unknown email. */
export async function verifyAgainstDummy(password: string, pepper?: string | Peppers): Promise<false> {
  const peppers = asPeppers(pepper);
  await verifyPassword(password, dummyHash(Boolean(peppers.current ?? peppers.previous)), peppers);
  return false;
}

let commonPasswords: Set<string> | undefined;

/** The list of common-passwords.json, front-coded there (scripts/common-passwords.mjs): each line a base-36 count of characters shared with the line before, then the rest. */
export function commonPasswordList(): string[] {
  let previous = "";
  return COMMON_PASSWORDS.passwords.split("\n").map((line) => (previous = previous.slice(0, Number.parseInt(line[0]!, 36)) + line.slice(1)));
}

/** Why a new password is unacceptable (NIST SP 800-63B: length and blocklist, no composition rules), or null. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  commonPasswords ??= new Set(commonPasswordList());
  if (commonPasswords.has(password.toLowerCase())) return "is one of the most commonly used passwords; choose another";
  return null;
}
