-- Whether the account's address was verified when a provider identity was linked to it. A link made
-- to an unverified address (possible before this migration: accounts were created from a provider's
-- unvouched email) is cut when our own reset or verification link proves who owns the mailbox.
-- New links are made only to verified addresses, so they keep the default.
ALTER TABLE user_identities ADD COLUMN email_verified_at_link INTEGER NOT NULL DEFAULT 1;
UPDATE user_identities SET email_verified_at_link = 0
WHERE user_id IN (SELECT id FROM users WHERE email_verified = 0);
