-- Initial schema for the Auth and Admin APIs.
-- Timestamps are ISO-8601 UTC strings (Date#toISOString), which sort correctly as text.
-- Booleans are INTEGER 0/1. JSON columns hold arrays/objects as text.

CREATE TABLE projects (
  id                 TEXT PRIMARY KEY,               -- readable slug, immutable (e.g. mobile_app)
  name               TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  environment        TEXT NOT NULL CHECK (environment IN ('development', 'staging', 'production')),
  enabled            INTEGER NOT NULL DEFAULT 1,
  access_token_ttl   INTEGER NOT NULL DEFAULT 900,     -- seconds
  refresh_token_ttl  INTEGER NOT NULL DEFAULT 2592000, -- seconds
  cors_origins       TEXT NOT NULL DEFAULT '[]',
  redirect_urls      TEXT NOT NULL DEFAULT '[]',
  rate_limits        TEXT NOT NULL DEFAULT '{}',
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX projects_created ON projects (created_at DESC, id DESC);

CREATE TABLE users (
  id                TEXT PRIMARY KEY,
  project_id        TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  email             TEXT NOT NULL,                   -- as given (trimmed)
  email_normalized  TEXT NOT NULL,                   -- trimmed + lower-cased, for lookups
  display_name      TEXT,
  password_hash     TEXT,                            -- NULL: invited, or OAuth-only
  email_verified    INTEGER NOT NULL DEFAULT 0,
  disabled          INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  last_login_at     TEXT,
  UNIQUE (project_id, email_normalized)
);
-- Keyset pagination of a project's users, newest first.
CREATE INDEX users_project_created ON users (project_id, created_at DESC, id DESC);

-- A session is one login on one device: the family of its rotating refresh tokens.
CREATE TABLE sessions (
  id              TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_agent      TEXT,
  ip              TEXT,
  created_at      TEXT NOT NULL,
  last_used_at    TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  revoked_at      TEXT,
  revoked_reason  TEXT
);
CREATE INDEX sessions_user ON sessions (project_id, user_id, created_at DESC);

-- Refresh tokens are stored only as SHA-256 hashes. When one is rotated, its successor is kept
-- encrypted under a key derived from the rotated token itself, so a duplicate request inside the
-- grace window gets the very same successor (one chain) and nothing at rest reveals a live token.
CREATE TABLE refresh_tokens (
  token_hash      TEXT PRIMARY KEY,
  session_id      TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  project_id      TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  rotated_at      TEXT,
  successor_hash  TEXT,
  successor_box   TEXT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
  id               TEXT PRIMARY KEY,                 -- the JWT kid
  project_id       TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  alg              TEXT NOT NULL,
  public_jwk       TEXT NOT NULL,
  private_jwk_box  TEXT NOT NULL,                    -- AES-GCM under KEY_ENCRYPTION_SECRET
  status           TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  created_at       TEXT NOT NULL,
  retired_at       TEXT,
  verify_until     TEXT                              -- a retired key stays in JWKS until then
);
CREATE INDEX signing_keys_project ON signing_keys (project_id, status, created_at DESC);

CREATE TABLE admins (
  id                TEXT PRIMARY KEY,
  email             TEXT NOT NULL,
  email_normalized  TEXT NOT NULL UNIQUE,
  display_name      TEXT,
  password_hash     TEXT NOT NULL,
  role              TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
  disabled          INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  last_login_at     TEXT
);

CREATE TABLE admin_sessions (
  id            TEXT PRIMARY KEY,
  token_hash    TEXT NOT NULL UNIQUE,
  admin_id      TEXT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
  ip            TEXT,
  user_agent    TEXT,
  created_at    TEXT NOT NULL,
  last_used_at  TEXT NOT NULL,
  expires_at    TEXT NOT NULL,                       -- absolute expiry
  revoked_at    TEXT
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);

-- Append-only record of every auth event and admin action. No foreign keys: rows outlive
-- the projects, users and admins they mention, and keep only their ids.
CREATE TABLE audit_log (
  id           TEXT PRIMARY KEY,
  created_at   TEXT NOT NULL,
  type         TEXT NOT NULL,                        -- e.g. auth.login, admin.project.update
  outcome      TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'blocked')),
  actor_type   TEXT NOT NULL CHECK (actor_type IN ('user', 'admin', 'anonymous', 'system')),
  actor_id     TEXT,
  project_id   TEXT,
  target_type  TEXT,
  target_id    TEXT,
  ip           TEXT,
  user_agent   TEXT,
  request_id   TEXT,
  details      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_created ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_project ON audit_log (project_id, created_at DESC, id DESC);
CREATE INDEX audit_type ON audit_log (type, created_at DESC, id DESC);
CREATE INDEX audit_actor ON audit_log (actor_id, created_at DESC, id DESC);
