-- What second factors and passwordless sign-in share: how each session was authenticated, and
-- the project settings that turn the methods on. The factors' own tables come in later migrations.

-- JSON list of authentication method references (RFC 8176 style: "pwd", "otp", "recovery_code",
-- "webauthn", "email", "fed"); access tokens of the session carry it as `amr`.
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT '["pwd"]';

-- 'optional': users may add a second factor; 'required': a user without one gets a restricted
-- session that can only enroll one.
ALTER TABLE projects ADD COLUMN mfa_policy TEXT NOT NULL DEFAULT 'optional' CHECK (mfa_policy IN ('optional', 'required'));
-- JSON {"rpId","rpName","origins":[...]}, or NULL: passkeys are off until an admin configures them.
ALTER TABLE projects ADD COLUMN webauthn TEXT;
-- 1: email one-time codes and magic links sign users in.
ALTER TABLE projects ADD COLUMN passwordless INTEGER NOT NULL DEFAULT 0;
-- 0: no new accounts (register, social and passwordless sign-in only sign existing users in).
ALTER TABLE projects ADD COLUMN allow_sign_up INTEGER NOT NULL DEFAULT 1;

-- Passkeys (WebAuthn credentials). A passkey signs its user in on its own and counts as a second
-- factor. Public keys are public; nothing here is secret.
CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  credential_id TEXT NOT NULL,          -- base64url, as the authenticator gave it
  public_key TEXT NOT NULL,             -- base64url COSE key
  counter INTEGER NOT NULL DEFAULT 0,   -- signature counter (0 for authenticators that keep none)
  transports TEXT NOT NULL DEFAULT '[]',
  device_type TEXT NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
  backed_up INTEGER NOT NULL DEFAULT 0,
  aaguid TEXT,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  UNIQUE (project_id, credential_id)
);
CREATE INDEX passkeys_user ON passkeys (user_id, created_at);

-- WebAuthn ceremony challenges: single use (used_at set by a conditional UPDATE), short-lived.
-- A registration challenge belongs to its user; a sign-in challenge to nobody yet (discoverable).
CREATE TABLE webauthn_challenges (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
  challenge TEXT NOT NULL,              -- base64url, as sent in the options
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (expires_at);
