-- Email-based account flows: one-time tokens (verification, password reset), the outbox of
-- every email sent, and per-project overrides of the email templates.

-- Tokens are stored only as SHA-256. Each is bound to its purpose, project, user and the address
-- it was mailed to, so it stops working if the user's email changes before it is used.
CREATE TABLE one_time_tokens (
  token_hash   TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose      TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  email        TEXT NOT NULL,                        -- the user's email_normalized when it was issued
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  used_at      TEXT,
  used_by      TEXT                                  -- random id of the request that spent it (its batch checks it won)
);
-- Serves the per-user queries and the cascade when a user is deleted.
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

-- One row per email. subject/text_body/html_body are kept only by the development provider
-- (the outbox is then the developer's mailbox); a real provider leaves them NULL, so no live
-- token is ever at rest. Rows go with their user (personal data).
CREATE TABLE email_outbox (
  id           TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id      TEXT REFERENCES users (id) ON DELETE CASCADE,
  to_email     TEXT NOT NULL,
  template     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  provider     TEXT NOT NULL,
  message_id   TEXT,                                 -- the provider's id for the message
  subject      TEXT,
  text_body    TEXT,
  html_body    TEXT,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
-- The Admin API's mailbox view: a project's messages, newest first (keyset pagination).
CREATE INDEX email_outbox_project ON email_outbox (project_id, created_at DESC, id DESC);
CREATE INDEX email_outbox_user ON email_outbox (user_id);

-- A project's customised templates; a template without a row uses the built-in default.
CREATE TABLE email_templates (
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  template     TEXT NOT NULL CHECK (template IN ('verify_email', 'reset_password')),
  subject      TEXT NOT NULL,
  text_body    TEXT NOT NULL,
  html_body    TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (project_id, template)
);
