-- Absolute session lifetime, and the retention sweep of refresh tokens (Cron Trigger).

-- A session ends this many seconds after its login however often it is refreshed; read at each
-- refresh, so lowering it reaches existing sessions too.
ALTER TABLE projects ADD COLUMN session_max_age INTEGER NOT NULL DEFAULT 7776000; -- seconds (90 days)

-- Sealed successors still to erase: only those of the last grace window plus what the sweep has
-- not reached, so both the rotation (by session) and the sweep (by age) find them without a scan.
CREATE INDEX refresh_tokens_boxes ON refresh_tokens (session_id, rotated_at) WHERE successor_box IS NOT NULL;
-- Spent or live rows past their own expiry can be deleted: a replay could no longer be honoured.
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
-- Ended sessions whose refresh rows the sweep has not deleted yet (it then sets expires_at = revoked_at).
CREATE INDEX sessions_revoked_unswept ON sessions (revoked_at, id) WHERE revoked_at IS NOT NULL AND expires_at > revoked_at;
