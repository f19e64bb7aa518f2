-- Email sign-in codes and magic links (passwordless). One pending attempt per (project, address):
-- a new start replaces the previous one, so only the newest code and link work.
-- The 6-digit code is stored as HMAC-SHA256 under a key derived (HKDF) from KEY_ENCRYPTION_SECRET,
-- over the row's random salt, project, address and code: a copy of the database alone cannot try
-- the million codes offline. The link token (256 random bits) is stored as SHA-256.
-- A row exists whether or not the address has an account (start does the same work either way).
CREATE TABLE passwordless_codes (
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  email        TEXT NOT NULL,                        -- normalized address the code was mailed to
  salt         TEXT NOT NULL,                        -- random, per row (bound into the code's HMAC)
  code_hash    TEXT NOT NULL,
  link_hash    TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,           -- codes compared so far (reserved before comparing)
  used_at      TEXT,                                 -- spent: signed in, or out of attempts
  used_by      TEXT,                                 -- random id of the request that signed in with it
  PRIMARY KEY (project_id, email)
);
CREATE UNIQUE INDEX passwordless_codes_link ON passwordless_codes (link_hash);
CREATE INDEX passwordless_codes_expiry ON passwordless_codes (expires_at);

-- The passwordless email gets an editable template: the CHECK on template names is widened
-- (SQLite cannot alter a CHECK, so the table is rebuilt with its rows).
CREATE TABLE email_templates_new (
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  template     TEXT NOT NULL CHECK (template IN ('verify_email', 'reset_password', 'passwordless')),
  subject      TEXT NOT NULL,
  text_body    TEXT NOT NULL,
  html_body    TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (project_id, template)
);
INSERT INTO email_templates_new SELECT project_id, template, subject, text_body, html_body, updated_at FROM email_templates;
DROP TABLE email_templates;
ALTER TABLE email_templates_new RENAME TO email_templates;
