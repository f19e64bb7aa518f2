-- Absolute session lifetime.

-- A session ends this many seconds after its login however often it is refreshed; read at each
-- refresh, so lowering it reaches existing sessions too.
ALTER TABLE projects ADD COLUMN session_max_age INTEGER NOT NULL DEFAULT 7776000; -- seconds (90 days)
