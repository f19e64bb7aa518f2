// Re-sealing (secret rotation): every column sealed under KEY_ENCRYPTION_SECRET, read in key order
// so a run can stop anywhere and resume, and rewritten only if nobody changed the box meanwhile.
import { clientSecretPurpose, VERIFIER_PURPOSE } from "../oauth/client-secret";
import { signingKeyPurpose } from "../crypto/keys";
import { adminTotpSecretPurpose, totpSecretPurpose } from "../crypto/totp";
import { webhookSecretPurpose } from "../webhooks/signing";

export interface SealedRow {
  /** The row's key, in the order rows are visited (the cursor). */
  key: string;
  box: string;
  purpose: string;
}

export interface SealedKind {
  /** Its name in the reseal report. */
  name: string;
  /** Up to `limit` sealed rows whose key sorts after `after`. */
  list(db: D1Database, after: string, limit: number): Promise<SealedRow[]>;
  /** Replaces `box` by `next` unless the row changed meanwhile. */
  replace(db: D1Database, row: SealedRow, next: string): D1PreparedStatement;
}

/**
 * A sealed column of `table`, its rows visited in order of `keys` (joined with NUL when there are
 * two), each box opened with the purpose `purpose(...keyValues)` gives.
 */
function sealedColumn(name: string, table: string, column: string, keys: string[], purpose: (...keyValues: string[]) => string): SealedKind {
  const key = keys.join(" || char(0) || ");
  return {
    name,
    list: async (db, after, limit) =>
      (
        await db
          .prepare(`SELECT ${key} AS key, ${column} AS box FROM ${table} WHERE ${column} IS NOT NULL AND ${key} > ? ORDER BY key LIMIT ?`)
          .bind(after, limit)
          .all<{ key: string; box: string }>()
      ).results.map((r) => ({ ...r, purpose: purpose(...r.key.split("\u0000")) })),
    replace: (db, row, next) =>
      db
        .prepare(`UPDATE ${table} SET ${column} = ? WHERE ${keys.map((k) => `${k} = ?`).join(" AND ")} AND ${column} = ?`)
        .bind(next, ...row.key.split("\u0000"), row.box),
  };
}

/** Every sealed column. Adding one is one entry here. */
export const SEALED_KINDS: SealedKind[] = [
  sealedColumn("signingKeys", "signing_keys", "private_jwk_box", ["id"], signingKeyPurpose),
  sealedColumn("providerClientSecrets", "oauth_providers", "client_secret_box", ["project_id", "slug"], clientSecretPurpose),
  sealedColumn("oauthStateVerifiers", "oauth_states", "verifier_box", ["state_hash"], () => VERIFIER_PURPOSE),
  sealedColumn("totpSecrets", "user_totp", "secret_box", ["project_id", "user_id"], totpSecretPurpose),
  sealedColumn("webhookSecrets", "webhooks", "secret_box", ["id"], webhookSecretPurpose),
  // The secret still signing alongside for 24 h after a rotation.
  sealedColumn("webhookPreviousSecrets", "webhooks", "previous_secret_box", ["id"], webhookSecretPurpose),
  sealedColumn("adminTotpSecrets", "admin_totp", "secret_box", ["admin_id"], adminTotpSecretPurpose),
];
