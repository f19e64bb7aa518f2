-- Operations: per-project audit retention, and the indexes the retention job (src/scheduled.ts)
-- needs to find what it deletes without scanning whole tables.

-- Audit rows of the project older than this many days are deleted by the Cron Trigger.
ALTER TABLE projects ADD COLUMN audit_retention_days INTEGER NOT NULL DEFAULT 90;

-- Ended sessions past their end (expired, or revoked: the sweep sets expires_at = revoked_at).
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
-- Used or expired email links past the keep window.
CREATE INDEX IF NOT EXISTS one_time_tokens_expiry ON one_time_tokens (expires_at);
-- Outbox rows by age (bodies blanked after 7 days, rows deleted after 90), across projects.
CREATE INDEX IF NOT EXISTS email_outbox_created ON email_outbox (created_at);
CREATE INDEX IF NOT EXISTS email_outbox_bodies ON email_outbox (created_at) WHERE text_body IS NOT NULL OR html_body IS NOT NULL;
