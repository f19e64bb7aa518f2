-- TOTP (RFC 6238) second factor, its recovery codes, and the challenge a sign-in answers with
-- when the user has a second factor.

-- One TOTP factor per user. The secret is sealed (AES-GCM under KEY_ENCRYPTION_SECRET, bound to
-- project and user); confirmed_at NULL means enrolled but not yet proven with a code (off).
-- last_step: the newest time step accepted, so a code cannot be used twice; last_use: the random
-- id of the write that accepted it, which a statement in the same batch can depend on.
CREATE TABLE user_totp (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_box TEXT NOT NULL,
  created_at TEXT NOT NULL,
  confirmed_at TEXT,
  last_step INTEGER,
  last_use TEXT,
  PRIMARY KEY (project_id, user_id)
);

-- Recovery codes: SHA-256 of the normalized code, single use (used_at set by a conditional
-- UPDATE; used_by is the random id of that write, for statements of the same batch).
CREATE TABLE recovery_codes (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT,
  used_by TEXT,
  PRIMARY KEY (project_id, user_id, code_hash)
);

-- Second-factor challenges: the hash of the mfaToken a sign-in answered with, the first factor's
-- amr, wrong attempts so far; spent (used_at) by a conditional UPDATE, expires after 5 minutes.
CREATE TABLE mfa_challenges (
  token_hash TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  amr TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX mfa_challenges_expiry ON mfa_challenges (expires_at);
CREATE INDEX mfa_challenges_user ON mfa_challenges (user_id);
