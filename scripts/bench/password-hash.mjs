// The bench hashes with src/crypto/password.ts itself (loaded through tsx), so the seeded users'
// hash and the hash worker's yardstick come from the very code login runs: parameters, key length,
// pepper handling and format are never copied here (test/node/bench-params.test.ts holds this).
import { tsImport } from "tsx/esm/api";

const password = await tsImport("../../src/crypto/password.ts", import.meta.url);

/** src's current scrypt parameters ({ ln, r, p }), for the report. */
export const CURRENT_PARAMS = { ...password.CURRENT_PARAMS };

/** src's hashPassword: the stored string for `password`, peppered when `pepper` is set. */
export const hashPassword = (plain, pepper) => password.hashPassword(plain, pepper || undefined);
