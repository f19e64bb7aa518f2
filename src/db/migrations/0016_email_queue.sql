-- Email delivery through the queue (src/email/queue.ts). A queued row is due at next_attempt_at;
-- an attempt claims it by moving next_attempt_at to its lease expiry (as webhook deliveries do),
-- so two consumers never send it twice, and the Cron re-enqueues rows left overdue.
-- sealed_body holds the rendered message for a real provider, sealed under KEY_ENCRYPTION_SECRET,
-- only while the email waits for delivery: it is erased when the row ends sent or failed.
ALTER TABLE email_outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE email_outbox ADD COLUMN sealed_body TEXT;
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'queued';
-- Retention blanks bodies after 7 days (src/scheduled.ts): the sealed copy of an email stuck without a queue too.
DROP INDEX IF EXISTS email_outbox_bodies;
CREATE INDEX email_outbox_bodies ON email_outbox (created_at) WHERE text_body IS NOT NULL OR html_body IS NOT NULL OR sealed_body IS NOT NULL;
