// Withdrawing a consent ("revoke a connected app"), for the user's own Auth API route and the Admin API alike.
import type { Context } from "hono";
import { insertAuditIf, type AuditEntry } from "../db/audit.repo";
import { consentExists, revokeConsent, type UserConsentRow } from "../db/oidc.repo";
import { revokedSessionsEvent } from "../db/webhooks.repo";
import type { AppEnv } from "../lib/types";
import { dispatchDeliveries } from "../webhooks/delivery";

/**
 * Deletes the user's consent to the client and, in the same batch, ends the user's sessions of that
 * client (session.revoked events) and spends their unspent codes; `audit` is written only when a
 * consent was there. The number of sessions ended, or null when the user had no consent for the client.
 */
export async function withdrawConsent(
  c: Context<AppEnv>,
  projectId: string,
  userId: string,
  clientId: string,
  reason: string,
  audit: AuditEntry,
): Promise<number | null> {
  const db = c.env.DB;
  const { endSessions, spendCodes, deleteConsent } = revokeConsent(db, projectId, clientId, userId, reason, audit.at);
  const results = await db.batch([
    insertAuditIf(db, audit, consentExists(projectId, clientId, userId)),
    endSessions,
    ...revokedSessionsEvent(db, projectId, userId, reason, audit.at),
    spendCodes,
    deleteConsent,
  ]);
  dispatchDeliveries(c, results);
  if (!results[results.length - 1]?.results.length) return null;
  return results[1]?.meta.changes ?? 0;
}

/** A consent row in the API's shape. */
export const toConnectedApp = (row: UserConsentRow) => ({
  clientId: row.client_id,
  clientName: row.client_name,
  scope: row.scope.split(" ").filter(Boolean),
  grantedAt: row.granted_at,
});
