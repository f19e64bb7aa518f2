// Retention statements (run by the Cron Trigger, src/scheduled.ts). Each touches at most `limit`
// rows found through an index and is idempotent: a run cut short is finished by the next one.

/** Deletes up to `limit` rows of `table` matching `where` (bound to `values`), by primary key. */
const deleteSome = (db: D1Database, table: string, key: string, where: string, values: unknown[], limit: number): D1PreparedStatement =>
  db.prepare(`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ?)`).bind(...values, limit);

/** Sessions that ended (expired, or revoked and swept) before `before`, with what cascades from them. */
export const deleteEndedSessions = (db: D1Database, before: string, limit: number) => deleteSome(db, "sessions", "id", "expires_at < ?", [before], limit);

/** Email links (verification, reset) that expired before `before`, used or not. */
export const deleteOldEmailLinks = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "one_time_tokens", "token_hash", "expires_at < ?", [before], limit);

export const deleteOldOAuthStates = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "oauth_states", "state_hash", "expires_at < ?", [before], limit);

export const deleteOldOAuthCodes = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "oauth_codes", "code_hash", "expires_at < ?", [before], limit);

/** OpenID Provider: authorization requests and codes that expired before `before` (idp_sessions go with their sessions). */
export const deleteOldAuthorizationRequests = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "oauth2_requests", "id", "expires_at < ?", [before], limit);

export const deleteOldAuthorizationCodes = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "oauth2_codes", "code_hash", "expires_at < ?", [before], limit);

export const deleteOldWebauthnChallenges = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "webauthn_challenges", "id", "expires_at < ?", [before], limit);

/**
 * Blanks the message bodies (the dev provider's copies, which may hold live links, and a sealed copy
 * still waiting for a queue that is gone) of outbox rows created before `before`; the metadata stays.
 */
export const blankOldOutboxBodies = (db: D1Database, before: string, limit: number) =>
  db
    .prepare(
      `UPDATE email_outbox SET subject = NULL, text_body = NULL, html_body = NULL, sealed_body = NULL
       WHERE id IN (SELECT id FROM email_outbox WHERE created_at < ? AND (text_body IS NOT NULL OR html_body IS NOT NULL OR sealed_body IS NOT NULL) LIMIT ?)`,
    )
    .bind(before, limit);

export const deleteOldOutboxRows = (db: D1Database, before: string, limit: number) => deleteSome(db, "email_outbox", "id", "created_at < ?", [before], limit);

/**
 * Audit rows older than their project's `audit_retention_days` (computed in SQL from `at`), rows of
 * deleted projects after `defaultDays`, and rows of no project after `deploymentDays`.
 */
export const deleteOldAuditRows = (db: D1Database, at: string, defaultDays: number, deploymentDays: number, limit: number) =>
  db
    .prepare(
      `DELETE FROM audit_log WHERE id IN (
         SELECT a.id FROM audit_log a LEFT JOIN projects p ON p.id = a.project_id
         WHERE a.created_at < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-1 days')
           AND a.created_at < CASE WHEN a.project_id IS NULL THEN strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-' || ?3 || ' days')
                                   ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-' || coalesce(p.audit_retention_days, ?2) || ' days') END
         LIMIT ?4)`,
    )
    .bind(at, defaultDays, deploymentDays, limit);

/** Second-factor challenges (mfaToken) that expired before `before`, answered or not. */
export const deleteOldMfaChallenges = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "mfa_challenges", "token_hash", "expires_at < ?", [before], limit);

/** Webhook deliveries that reached their receiver before `before` (failed ones stay, retryable, until their event goes). */
export const deleteOldWebhookDeliveries = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "webhook_deliveries", "id", "status = 'delivered' AND delivered_at < ?", [before], limit);

/** Webhook events written before `before` with no delivery left to make or show; their failed deliveries go with them (cascade). */
export const deleteOldWebhookEvents = (db: D1Database, before: string, limit: number) =>
  deleteSome(
    db,
    "webhook_events",
    "id",
    "created_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id AND d.status = 'pending')",
    [before],
    limit,
  );

/** Emailed sign-in codes (and their links) that expired before `before`, spent or not (starts also prune a few). */
export const deleteOldPasswordlessCodes = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "passwordless_codes", "rowid", "expires_at < ?", [before], limit);

/** Admins' second-factor challenges that expired before `before`. */
export const deleteOldAdminMfaChallenges = (db: D1Database, before: string, limit: number) =>
  deleteSome(db, "admin_mfa_challenges", "id", "expires_at < ?", [before], limit);
