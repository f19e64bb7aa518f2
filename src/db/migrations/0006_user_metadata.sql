-- User metadata (the user's own, and the app's, set by admins) and the project setting that puts
-- profile claims in access tokens.

-- JSON objects as text, each at most 4 KiB serialized (checked by the API, not here).
ALTER TABLE users ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';     -- written by the user (PATCH /me)
ALTER TABLE users ADD COLUMN app_metadata TEXT NOT NULL DEFAULT '{}'; -- written only through the Admin API

-- 1: access tokens carry email, email_verified and app_metadata; 0: only the registered claims.
ALTER TABLE projects ADD COLUMN include_profile_claims INTEGER NOT NULL DEFAULT 1;
