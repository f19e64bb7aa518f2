-- Webhooks (DESIGN §12): a project's endpoints, the events written in the same batch as the
-- change that caused them (the outbox), and one delivery per endpoint × event with its state.

CREATE TABLE webhooks (
  id                  TEXT PRIMARY KEY,
  project_id          TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  url                 TEXT NOT NULL,
  events              TEXT NOT NULL,          -- JSON list of subscribed event types
  description         TEXT,
  enabled             INTEGER NOT NULL DEFAULT 1,
  secret_box          TEXT NOT NULL,          -- whsec_… sealed under KEY_ENCRYPTION_SECRET
  previous_secret_box TEXT,                   -- the secret before the last rotation, still signing…
  previous_expires_at TEXT,                   -- …until then
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
-- Keyset pages of a project's webhooks, and the "is anyone subscribed" probe of every event write.
CREATE INDEX webhooks_project_created ON webhooks(project_id, created_at DESC, id DESC);

CREATE TABLE webhook_events (
  id          TEXT PRIMARY KEY,               -- msg_…, sent as webhook-id
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  type        TEXT NOT NULL,
  origin      TEXT NOT NULL,                  -- the writing statement's key, so its deliveries find the rows
  data        TEXT NOT NULL,                  -- JSON snapshot of the user or session (no secret)
  created_at  TEXT NOT NULL
);
CREATE INDEX webhook_events_origin ON webhook_events(origin);

CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,
  project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  webhook_id       TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_id         TEXT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,                      -- pending: when the next attempt is due (or the in-flight lease ends)
  last_attempt_at  TEXT,
  response_status  INTEGER,
  last_error       TEXT,
  delivered_at     TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_webhook_created ON webhook_deliveries(webhook_id, created_at DESC, id DESC);
-- The Cron's sweep: pending deliveries whose attempt is overdue.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id);
