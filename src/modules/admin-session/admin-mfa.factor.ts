// An admin's TOTP factor behind small functions: sealing the secret, making and checking recovery
// codes, and spending a proof (a code's time step, or a recovery code) exactly once.
import { openSealed, type SealingSecrets, seal } from "../../crypto/box";
import { adminTotpSecretPurpose, matchTotp, recoveryCodeHash } from "../../crypto/totp";
import { type AdminTotpRow, spendRecoveryCode, spendTotpStep } from "../../db/admin-mfa.repo";
import { iso } from "../../lib/clock";

export const sealTotpSecret = (secrets: SealingSecrets, adminId: string, secret: string) => seal(secrets.current, adminTotpSecretPurpose(adminId), secret);

/** The base32 secret, opened with the current KEY_ENCRYPTION_SECRET or the previous one; throws when neither opens it. */
export async function openTotpSecret(secrets: SealingSecrets, row: AdminTotpRow): Promise<string> {
  const secret = await openSealed(secrets, adminTotpSecretPurpose(row.admin_id), row.secret_box);
  if (secret === null) throw new Error(`TOTP secret of admin ${row.admin_id} cannot be decrypted with the configured KEY_ENCRYPTION_SECRET`);
  return secret;
}

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
