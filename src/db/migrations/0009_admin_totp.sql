-- A second factor for the Admin API login: TOTP with recovery codes, and the short-lived
-- challenge a password login answers with while the second step is outstanding.

-- One TOTP factor per admin. Pending (confirmed_at NULL) until a first code proves the app has it;
-- only a confirmed factor is asked for at login. last_step: the newest time step accepted, so a
-- code (and any older one) cannot be used twice.
CREATE TABLE admin_totp (
  admin_id      TEXT PRIMARY KEY REFERENCES admins (id) ON DELETE CASCADE,
  secret_box    TEXT NOT NULL,                    -- base32 secret, AES-GCM under KEY_ENCRYPTION_SECRET
  created_at    TEXT NOT NULL,
  confirmed_at  TEXT,
  last_step     INTEGER
);

-- Single-use recovery codes, stored only as SHA-256; replaced as a set at every confirmation.
CREATE TABLE admin_recovery_codes (
  admin_id    TEXT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
  code_hash   TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  used_at     TEXT,
  PRIMARY KEY (admin_id, code_hash)
);

-- A password login of an admin with TOTP: the opaque mfaToken (stored as SHA-256), spent once by a
-- conditional UPDATE; attempts are counted before each code is checked.
CREATE TABLE admin_mfa_challenges (
  id          TEXT PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,
  admin_id    TEXT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  used_at     TEXT
);
CREATE INDEX admin_mfa_challenges_admin ON admin_mfa_challenges (admin_id, created_at);
CREATE INDEX admin_mfa_challenges_expiry ON admin_mfa_challenges (expires_at);
