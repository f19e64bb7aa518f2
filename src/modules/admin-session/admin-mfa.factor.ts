// An admin's TOTP factor behind small functions: sealing the secret, making and checking recovery
// codes, and spending a proof (a code's time step, or a recovery code) exactly once.
import { ADMIN_RECOVERY_CODE_COUNT } from "../../config";
import { openSealed, type SealingSecrets, seal } from "../../crypto/box";
import { randomBytes, sha256Hex } from "../../crypto/random";
import { adminTotpSecretPurpose, base32, matchTotp } from "../../crypto/totp";
import { type AdminTotpRow, spendRecoveryCode, spendTotpStep } from "../../db/admin-mfa.repo";
import { iso } from "../../lib/clock";

export const sealTotpSecret = (secrets: SealingSecrets, adminId: string, secret: string) => seal(secrets.current, adminTotpSecretPurpose(adminId), secret);

/** The base32 secret, opened with the current KEY_ENCRYPTION_SECRET or the previous one; throws when neither opens it. */
export async function openTotpSecret(secrets: SealingSecrets, row: AdminTotpRow): Promise<string> {
  const secret = await openSealed(secrets, adminTotpSecretPurpose(row.admin_id), row.secret_box);
  if (secret === null) throw new Error(`TOTP secret of admin ${row.admin_id} cannot be decrypted with the configured KEY_ENCRYPTION_SECRET`);
  return secret;
}

/** Ten codes of 50 random bits each, as XXXXX-XXXXX (base32, no 0/1/8/9 to misread). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: ADMIN_RECOVERY_CODE_COUNT }, () => {
    const text = base32(randomBytes(7)).slice(0, 10);
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
}

/** What is stored for a recovery code: SHA-256 of its canonical form (upper case, no separators). */
export const recoveryCodeHash = (code: string) => sha256Hex(code.toUpperCase().replace(/[\s-]/g, ""));

export type Proof = { code: string } | { recoveryCode: string };
export const methodOf = (proof: Proof) => ("code" in proof ? "totp" : "recovery_code");

/**
 * Spends `proof` against a confirmed factor: a TOTP code within ±1 step whose step is newer than
 * the last one accepted (constant-time match, conditional UPDATE), or an unused recovery code.
 */
export async function spendProof(db: D1Database, secrets: SealingSecrets, row: AdminTotpRow, proof: Proof, atMs: number): Promise<boolean> {
  if (!row.confirmed_at) return false;
  if ("recoveryCode" in proof) return spendRecoveryCode(db, row.admin_id, await recoveryCodeHash(proof.recoveryCode), iso(atMs));
  const step = await matchTotp(await openTotpSecret(secrets, row), proof.code, atMs);
  if (step === null) return false;
  return (await spendTotpStep(db, row.admin_id, step).first()) !== null;
}
