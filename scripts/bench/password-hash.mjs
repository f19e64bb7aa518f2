// src/crypto/password.ts's hash format, computed in Node: the hash worker verifies against it and
// the 10,000 seeded users carry it, so neither costs a scrypt inside the server under test.
// The hash worker answers 500 when this ever drifts from the real format, which fails the run.
import { createHmac, randomBytes, scryptSync } from "node:crypto";

const PARAMS = { ln: 14, r: 8, p: 5 };
const KEY_LENGTH = 32;

const b64url = (buf) => Buffer.from(buf).toString("base64url");

/** `$scrypt$ln=14,r=8,p=5,pep=<0|1>$<salt>$<hash>` for `password`, peppered with HMAC-SHA256 when `pepper` is set. */
export function hashPassword(password, pepper) {
  const normalized = Buffer.from(password.normalize("NFKC"), "utf8");
  const input = pepper ? createHmac("sha256", Buffer.from(pepper, "utf8")).update(normalized).digest() : normalized;
  const salt = randomBytes(16);
  const N = 2 ** PARAMS.ln;
  const hash = scryptSync(input, salt, KEY_LENGTH, { N, r: PARAMS.r, p: PARAMS.p, maxmem: 256 * N * PARAMS.r + 1024 * 1024 });
  return `$scrypt$ln=${PARAMS.ln},r=${PARAMS.r},p=${PARAMS.p},pep=${pepper ? 1 : 0}$${b64url(salt)}$${b64url(hash)}`;
}
