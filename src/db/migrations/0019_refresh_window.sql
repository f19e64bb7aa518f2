-- The refresh.session rate limit, counted in the session row by the rotation's own transaction
-- (src/db/sessions.repo.ts rotateRefreshToken) instead of a Durable Object call per refresh: a fixed
-- window starting at refresh_window_start (epoch ms) holding refresh_count refreshes, and the window
-- whose block was last audited (one ratelimit.block row per block).
ALTER TABLE sessions ADD COLUMN refresh_window_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN refresh_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN refresh_block_audited INTEGER NOT NULL DEFAULT -1;
