-- OAuth 2.0 / OpenID Connect sign-in: provider settings per project, the short-lived state of
-- each sign-in attempt, the one-time codes handed to apps, and the links from a provider
-- account (issuer + subject) to a user.

CREATE TABLE oauth_providers (
  project_id          TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  slug                TEXT NOT NULL,                 -- the {provider} path segment, e.g. google, corp_sso
  type                TEXT NOT NULL CHECK (type IN ('oidc', 'github', 'google')),
  client_id           TEXT NOT NULL,
  client_secret_box   TEXT,                          -- AES-GCM under KEY_ENCRYPTION_SECRET; NULL: public client
  issuer              TEXT NOT NULL,                 -- OIDC issuer (presets: their fixed issuer)
  authorization_url   TEXT NOT NULL,                 -- endpoints from discovery (oidc) or the preset
  token_url           TEXT NOT NULL,
  jwks_uri            TEXT,                          -- NULL for GitHub (no ID token)
  userinfo_url        TEXT,
  token_auth_method   TEXT NOT NULL CHECK (token_auth_method IN ('client_secret_basic', 'client_secret_post', 'none')),
  scopes              TEXT NOT NULL,                 -- JSON array
  enabled             INTEGER NOT NULL DEFAULT 1,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  PRIMARY KEY (project_id, slug)
);

-- One row per authorize request, consumed by the callback. Nothing here is a usable secret on
-- its own: the state and nonce are stored as SHA-256, our PKCE verifier is sealed.
CREATE TABLE oauth_states (
  state_hash          TEXT PRIMARY KEY,
  project_id          TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  provider            TEXT NOT NULL,
  nonce_hash          TEXT NOT NULL,
  verifier_box        TEXT NOT NULL,
  redirect_uri        TEXT NOT NULL,                 -- the app's, checked against the allow-list
  app_state           TEXT,                          -- echoed back to the app untouched
  code_challenge      TEXT NOT NULL,                 -- the app's PKCE S256 challenge
  created_at          TEXT NOT NULL,
  expires_at          TEXT NOT NULL,
  consumed_at         TEXT
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

-- The one-time code an app exchanges (with its PKCE verifier) for a session.
CREATE TABLE oauth_codes (
  code_hash           TEXT PRIMARY KEY,
  project_id          TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  provider            TEXT NOT NULL,
  user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_challenge      TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  expires_at          TEXT NOT NULL,
  consumed_at         TEXT,
  session_id          TEXT                           -- the session it started; revoked if the code is replayed
);
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);

-- A provider account linked to a user. (issuer, subject) is what identifies an account across
-- logins (OIDC Core §5.7), so re-pointing a provider slug at another issuer cannot match old links.
CREATE TABLE user_identities (
  project_id          TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  issuer              TEXT NOT NULL,
  subject             TEXT NOT NULL,
  provider            TEXT NOT NULL,                 -- slug it was linked through
  user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at          TEXT NOT NULL,
  last_login_at       TEXT NOT NULL,
  PRIMARY KEY (project_id, issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);
