// Policy numbers: lifetimes, grace windows, caps and clock tolerances, in one place (DESIGN §8).
// Project settings (token lifetimes, rate limits) override some of them per project.
// A leaf module: it imports nothing, so any layer may read it without an import cycle.

// ---- Requests ----

/** Documented cap on request bodies; larger bodies get 413 before any parsing. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Cap on a user's `metadata` and `appMetadata`, each as serialized JSON (UTF-8 bytes): app_metadata rides in every access token. */
export const METADATA_MAX_BYTES = 4096;

// ---- Tokens and keys ----

/** Skew tolerated on our own access tokens' iat/exp: we sign them, so only our isolates' clocks differ. */
export const ACCESS_TOKEN_CLOCK_TOLERANCE_S = 30;
/** Skew tolerated on providers' ID tokens: their clocks are not ours, and a login must not fail on a slow one. */
export const ID_TOKEN_CLOCK_TOLERANCE_S = 60;
/** Added to the access token lifetime, so a token signed just before rotation outlives clock skew too. */
export const RETIRED_KEY_GRACE_SECONDS = 60;
/** A kid's verify_until (rotation changes it) is re-read at most this often per isolate. */
export const KEY_STATUS_TTL_MS = 60_000;
/** A rotated refresh token presented again within this window gets its successor instead of a logout (benign races, retries); its sealed successor is erased after it. */
export const REUSE_GRACE_MS = 10_000;
/** How long an isolate serves a project and its JWK Set from memory (well-known documents, refresh's CORS); other isolates see a change within it. */
export const PROJECT_CACHE_TTL_MS = 5_000;

// ---- Admin sessions ----

/** An admin session ends after 30 minutes without a request (sliding) or 12 hours after login. */
export const ADMIN_IDLE_MS = 30 * 60 * 1000;
export const ADMIN_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** last_used_at is written at most this often, so reads do not each cost a write. */
export const ADMIN_TOUCH_EVERY_MS = 60 * 1000;

// ---- Email links ----

/** How long a mailed link works, and how the email says it. */
export const EMAIL_LINK_LIFETIME = {
  verify_email: { ms: 24 * 3600_000, words: "24 hours" },
  reset_password: { ms: 3600_000, words: "1 hour" },
} as const;
/** Expired link tokens are deleted when the user gets a new one, after being kept this long (so a late click still reads "expired"). */
export const EMAIL_LINK_KEEP_EXPIRED_MS = 7 * 24 * 3600_000;

// ---- Email delivery (Resend) ----

export const EMAIL_SEND_MAX_ATTEMPTS = 3;
export const EMAIL_SEND_TIMEOUT_MS = 10_000;
/** Waits before retries 2 and 3: this, then twice this (or the server's Retry-After, up to EMAIL_SEND_MAX_WAIT_MS). */
export const EMAIL_SEND_BACKOFF_MS = 250;
export const EMAIL_SEND_MAX_WAIT_MS = 5_000;

// ---- Social sign-in ----

/** A sign-in started at the provider must come back within this. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** Our one-time sign-in code is exchanged by the app right after the redirect. */
export const OAUTH_CODE_TTL_MS = 60_000;
/** Spent states and codes are kept this long past expiry, so a late replay is still recognised as one. */
export const OAUTH_KEEP_SPENT_MS = 24 * 3600_000;
/** Calls to identity providers (discovery, token, JWKS, userinfo) give up after this. */
export const UPSTREAM_TIMEOUT_MS = 10_000;

// ---- Abuse ----

/** Default rate-limit rules; a project's `rateLimits` setting overrides them by name (README, "Rate limits"). */
export const DEFAULT_RULES = {
  /** Failed logins for one account from one IP: backoff, so a stranger elsewhere cannot lock the owner out for long. */
  "login.account_ip": { kind: "backoff", freeFailures: 5, baseSeconds: 2, maxSeconds: 900 },
  /** Failed logins for one account from anywhere: stops distributed guessing. Addresses the account signed in from in the last 30 days are exempt. */
  "login.account": { kind: "window", limit: 50, windowSeconds: 900 },
  /** Failed logins from one IP, whatever the account: stops password spraying. */
  "login.ip": { kind: "window", limit: 100, windowSeconds: 900 },
  "register.ip": { kind: "window", limit: 30, windowSeconds: 3600 },
  "refresh.session": { kind: "window", limit: 60, windowSeconds: 60 },
  "email.account": { kind: "window", limit: 5, windowSeconds: 3600 },
  "email.ip": { kind: "window", limit: 30, windowSeconds: 3600 },
  /** Social sign-in starts per IP: each one stores a pending state row. */
  "oauth.ip": { kind: "window", limit: 60, windowSeconds: 600 },
  "admin_login.account_ip": { kind: "backoff", freeFailures: 3, baseSeconds: 2, maxSeconds: 900 },
  /** As login.account: addresses the admin signed in from in the last 30 days are exempt. */
  "admin_login.account": { kind: "window", limit: 20, windowSeconds: 900 },
  "admin_login.ip": { kind: "window", limit: 50, windowSeconds: 900 },
  /** Anonymous requests with an unknown token (refresh, email link, sign-in code or state) per IP: each one is audited. */
  "probe.ip": { kind: "window", limit: 30, windowSeconds: 600 },
  /** Passkey sign-in options per IP: each one stores a challenge row. */
  "passkey_options.ip": { kind: "window", limit: 60, windowSeconds: 600 },
  /** Failed passkey sign-ins per IP (unknown credential, bad signature, spent challenge). */
  "passkey_login.ip": { kind: "window", limit: 30, windowSeconds: 900 },
} as const;
/** Addresses (IP buckets) the account signed in from are exempt from account-wide limits this long, at most this many. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;
export const KNOWN_ADDRESS_MAX = 20;

// ---- Retention (Cron Trigger) ----

/** Rows (tokens) or sessions per statement, and rounds per run: bounds one run's time and D1 load; the next run goes on. */
export const SWEEP_LIMITS = { rows: 500, sessions: 50, rounds: 20 };

// ---- Passkeys ----

/** A WebAuthn ceremony (options → verify) must finish within this; also the `timeout` hint sent to the browser. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;
/** Expired challenges a new ceremony deletes in passing (bounded work per request). */
export const WEBAUTHN_SWEEP_ROWS = 50;
/** How many passkeys one user may hold (each is a row the sign-in lookup and the register options carry). */
export const PASSKEYS_PER_USER_MAX = 25;
