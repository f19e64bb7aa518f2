-- OpenID Provider (issue 16): the project's own OAuth clients, authorization requests waiting at
-- the hosted sign-in page, one-time authorization codes, the browser's sign-on session (IdP session,
-- behind a cookie) and third-party consents. Secrets, codes and cookie tokens are stored only as SHA-256.

CREATE TABLE oauth_clients (
  client_id                  TEXT PRIMARY KEY,
  project_id                 TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name                       TEXT NOT NULL,
  type                       TEXT NOT NULL CHECK (type IN ('public', 'confidential')),
  first_party                INTEGER NOT NULL DEFAULT 0,
  redirect_uris              TEXT NOT NULL,
  post_logout_redirect_uris  TEXT NOT NULL DEFAULT '[]',
  secret_hash                TEXT,
  -- After a rotation the previous secret keeps authenticating until previous_secret_until.
  previous_secret_hash       TEXT,
  previous_secret_until      TEXT,
  created_at                 TEXT NOT NULL,
  updated_at                 TEXT NOT NULL
);
CREATE INDEX oauth_clients_project ON oauth_clients (project_id, created_at, client_id);

CREATE TABLE oauth2_requests (
  id              TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  client_id       TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  redirect_uri    TEXT NOT NULL,
  scope           TEXT NOT NULL,
  state           TEXT,
  nonce           TEXT,
  code_challenge  TEXT NOT NULL,
  prompt          TEXT,
  max_age         INTEGER,
  login_hint      TEXT,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  completed_at    TEXT,
  -- The code that completed it: what issued is guarded on, so a double submit issues one code.
  completed_by    TEXT
);
CREATE INDEX oauth2_requests_expiry ON oauth2_requests (expires_at);

-- The hosted page's sign-on cookie. It names a session (the sign-in the page completed), so
-- everything that ends sessions (logout everywhere, password change, disabling, admin revoke)
-- ends single sign-on too; the cookie adds its own idle and absolute lifetime.
CREATE TABLE idp_sessions (
  token_hash    TEXT PRIMARY KEY,
  project_id    TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  session_id    TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at    TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL,
  expires_at    TEXT NOT NULL
);
CREATE INDEX idp_sessions_session ON idp_sessions (session_id);
CREATE INDEX idp_sessions_expiry ON idp_sessions (expires_at);

CREATE TABLE oauth2_codes (
  code_hash       TEXT PRIMARY KEY,
  project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  client_id       TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  idp_session_id  TEXT,
  redirect_uri    TEXT NOT NULL,
  code_challenge  TEXT NOT NULL,
  scope           TEXT NOT NULL,
  nonce           TEXT,
  amr             TEXT NOT NULL,
  auth_time       TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  consumed_at     TEXT,
  session_id      TEXT
);
CREATE INDEX oauth2_codes_expiry ON oauth2_codes (expires_at);

CREATE TABLE oauth2_consents (
  client_id   TEXT NOT NULL REFERENCES oauth_clients (client_id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  scope       TEXT NOT NULL,
  granted_at  TEXT NOT NULL,
  PRIMARY KEY (client_id, user_id)
);

-- A session issued at the token endpoint belongs to its client: only that client refreshes,
-- revokes or introspects it, and POST /refresh (the JSON API) refuses it.
ALTER TABLE sessions ADD COLUMN client_id TEXT;
ALTER TABLE sessions ADD COLUMN scope TEXT;
ALTER TABLE sessions ADD COLUMN auth_time TEXT;
-- The hosted page's session (sessions.id) a client session was issued from: logout there ends both.
ALTER TABLE sessions ADD COLUMN idp_session_id TEXT;
CREATE INDEX sessions_client ON sessions (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX sessions_idp ON sessions (idp_session_id) WHERE idp_session_id IS NOT NULL;

-- The hosted sign-in page's look: { logoUrl?, accentColor? }.
ALTER TABLE projects ADD COLUMN branding TEXT NOT NULL DEFAULT '{}';
