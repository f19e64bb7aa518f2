-- A user's connected apps (their consents) are listed by user: without this, every list scans all consents.
CREATE INDEX oauth2_consents_user ON oauth2_consents (project_id, user_id, granted_at);
