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

/** Every sealed column. Adding one (e.g. TOTP secrets, webhook secrets) is one entry here. */
export const SEALED_KINDS: SealedKind[] = [
  {
    name: "signingKeys",
    list: async (db, after, limit) =>
      (
        await db
          .prepare(`SELECT id AS key, private_jwk_box AS box FROM signing_keys WHERE id > ? ORDER BY id LIMIT ?`)
          .bind(after, limit)
          .all<{ key: string; box: string }>()
      ).results.map((r) => ({ ...r, purpose: signingKeyPurpose(r.key) })),
    replace: (db, row, next) => db.prepare(`UPDATE signing_keys SET private_jwk_box = ? WHERE id = ? AND private_jwk_box = ?`).bind(next, row.key, row.box),
  },
  {
    name: "providerClientSecrets",
    list: async (db, after, limit) =>
      (
        await db
          .prepare(
            `SELECT project_id || char(0) || slug AS key, project_id, slug, client_secret_box AS box FROM oauth_providers
             WHERE client_secret_box IS NOT NULL AND project_id || char(0) || slug > ? ORDER BY key LIMIT ?`,
          )
          .bind(after, limit)
          .all<{ key: string; project_id: string; slug: string; box: string }>()
      ).results.map((r) => ({ key: r.key, box: r.box, purpose: clientSecretPurpose(r.project_id, r.slug) })),
    replace: (db, row, next) => {
      const [projectId, slug] = row.key.split("\u0000");
      return db
        .prepare(`UPDATE oauth_providers SET client_secret_box = ? WHERE project_id = ? AND slug = ? AND client_secret_box = ?`)
        .bind(next, projectId, slug, row.box);
    },
  },
  {
    name: "oauthStateVerifiers",
    list: async (db, after, limit) =>
      (
        await db
          .prepare(`SELECT state_hash AS key, verifier_box AS box FROM oauth_states WHERE state_hash > ? ORDER BY state_hash LIMIT ?`)
          .bind(after, limit)
          .all<{ key: string; box: string }>()
      ).results.map((r) => ({ ...r, purpose: VERIFIER_PURPOSE })),
    replace: (db, row, next) => db.prepare(`UPDATE oauth_states SET verifier_box = ? WHERE state_hash = ? AND verifier_box = ?`).bind(next, row.key, row.box),
  },
  {
    name: "totpSecrets",
    list: async (db, after, limit) =>
      (
        await db
          .prepare(
            `SELECT project_id || char(0) || user_id AS key, project_id, user_id, secret_box AS box FROM user_totp
             WHERE project_id || char(0) || user_id > ? ORDER BY key LIMIT ?`,
          )
          .bind(after, limit)
          .all<{ key: string; project_id: string; user_id: string; box: string }>()
      ).results.map((r) => ({ key: r.key, box: r.box, purpose: totpSecretPurpose(r.project_id, r.user_id) })),
    replace: (db, row, next) => {
      const [projectId, userId] = row.key.split("\u0000");
      return db.prepare(`UPDATE user_totp SET secret_box = ? WHERE project_id = ? AND user_id = ? AND secret_box = ?`).bind(next, projectId, userId, row.box);
    },
  },
  {
    name: "webhookSecrets",
    list: async (db, after, limit) =>
      (
        await db
          .prepare(`SELECT id AS key, secret_box AS box FROM webhooks WHERE id > ? ORDER BY id LIMIT ?`)
          .bind(after, limit)
          .all<{ key: string; box: string }>()
      ).results.map((r) => ({ ...r, purpose: webhookSecretPurpose(r.key) })),
    replace: (db, row, next) => db.prepare(`UPDATE webhooks SET secret_box = ? WHERE id = ? AND secret_box = ?`).bind(next, row.key, row.box),
  },
  {
    // The secret still signing alongside for 24 h after a rotation.
    name: "webhookPreviousSecrets",
    list: async (db, after, limit) =>
      (
        await db
          .prepare(`SELECT id AS key, previous_secret_box AS box FROM webhooks WHERE previous_secret_box IS NOT NULL AND id > ? ORDER BY id LIMIT ?`)
          .bind(after, limit)
          .all<{ key: string; box: string }>()
      ).results.map((r) => ({ ...r, purpose: webhookSecretPurpose(r.key) })),
    replace: (db, row, next) => db.prepare(`UPDATE webhooks SET previous_secret_box = ? WHERE id = ? AND previous_secret_box = ?`).bind(next, row.key, row.box),
  },
  {
    name: "adminTotpSecrets",
    list: async (db, after, limit) =>
      (
        await db
          .prepare(`SELECT admin_id AS key, secret_box AS box FROM admin_totp WHERE admin_id > ? ORDER BY admin_id LIMIT ?`)
          .bind(after, limit)
          .all<{ key: string; box: string }>()
      ).results.map((r) => ({ ...r, purpose: adminTotpSecretPurpose(r.key) })),
    replace: (db, row, next) => db.prepare(`UPDATE admin_totp SET secret_box = ? WHERE admin_id = ? AND secret_box = ?`).bind(next, row.key, row.box),
  },
];
