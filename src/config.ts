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

/** One call to the provider. */
export const EMAIL_SEND_TIMEOUT_MS = 10_000;
/**
 * Through the queue (src/email/queue.ts): waits before attempts 2..6 of a retryable failure (5xx, 429,
 * network), ~1 h in all, then `failed`. A longer Retry-After is honoured, up to EMAIL_RETRY_MAX_WAIT_S.
 */
export const EMAIL_RETRY_DELAYS_S = [30, 120, 300, 900, 2400];
export const EMAIL_RETRY_MAX_WAIT_S = 3600;
/** An attempt holds its outbox row this long; a Worker gone mid-send frees it for the Cron's re-enqueue. */
export const EMAIL_LEASE_MS = 60_000;
/** Overdue emails re-enqueued per Cron run. */
export const EMAIL_SWEEP_LIMIT = 500;
/** Without a queue binding only (the fallback): attempts within the request's waitUntil, and the waits between them. */
export const EMAIL_INLINE_MAX_ATTEMPTS = 3;
export const EMAIL_INLINE_BACKOFF_MS = 250;
export const EMAIL_INLINE_MAX_WAIT_MS = 5_000;

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
  /** Wrong second-factor codes (TOTP, recovery) for one account, across challenges and the TOTP routes: backoff. */
  "mfa.account": { kind: "backoff", freeFailures: 5, baseSeconds: 2, maxSeconds: 900 },
  /** Passwordless verify attempts for one address (wrong codes; a success gives its slot back). */
  "email_code.account": { kind: "window", limit: 10, windowSeconds: 900 },
  /** Passwordless verify attempts (codes and links) from one IP, whatever the address. */
  "email_code.ip": { kind: "window", limit: 50, windowSeconds: 900 },
  /** Second-factor codes of one admin (login's second step, confirming or turning off TOTP): failures only, a right code gives its slot back. */
  "admin_mfa.account": { kind: "window", limit: 10, windowSeconds: 900 },
  /** Passkey sign-in options per IP: each one stores a challenge row. */
  "passkey_options.ip": { kind: "window", limit: 60, windowSeconds: 600 },
  /** Authorization requests (OpenID Provider) per IP: each one may store a pending request row. */
  "oauth2.ip": { kind: "window", limit: 120, windowSeconds: 600 },
  /** Failed passkey sign-ins per IP (unknown credential, bad signature, spent challenge). */
  "passkey_login.ip": { kind: "window", limit: 30, windowSeconds: 900 },
} as const;
/** Addresses (IP buckets) the account signed in from are exempt from account-wide limits this long, at most this many. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;
export const KNOWN_ADDRESS_MAX = 20;

// ---- Retention (Cron Trigger) ----

/** Rows (tokens) or sessions per statement, and rounds per run: bounds one run's time and D1 load; the next run goes on. */
export const SWEEP_LIMITS = { rows: 500, sessions: 50, rounds: 20 };

// ---- Webhooks ----

/** Waits before retries 1..7 of a failed delivery (~27.6 h in all); after the last, the delivery is `failed`. Queues cap one delay at 12 h. */
export const WEBHOOK_RETRY_DELAYS_S = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
/** One attempt gives up after this; the receiver should answer fast and work afterwards. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A claimed delivery is someone's for this long: another consumer or the Cron leaves it alone meanwhile. */
export const WEBHOOK_LEASE_MS = 60_000;
/** After a secret rotation the previous secret keeps signing (a second signature) this long. */
export const WEBHOOK_PREVIOUS_SECRET_MS = 24 * 3600_000;
/** Webhooks per project; overdue deliveries the Cron re-enqueues per run. */
export const WEBHOOKS_PER_PROJECT = 20;
export const WEBHOOK_SWEEP_LIMIT = 500;
/** Stored from a failed response, so a chatty receiver cannot fill the table. */
export const WEBHOOK_ERROR_MAX_CHARS = 300;
/** Delivered records, and events with nothing pending, are deleted this long after (retention, src/scheduled.ts). */
export const WEBHOOK_KEEP_MS = 30 * 24 * 3600_000;

// ---- Second factors (TOTP and recovery codes) ----

/** A sign-in's second-factor challenge (mfaToken) must be answered within this. */
export const MFA_CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one challenge takes before it is spent (the account-wide rule mfa.account adds backoff). */
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;
/** TOTP steps accepted either side of now (±30 s of clock drift). */
export const TOTP_WINDOW_STEPS = 1;
/** A user's expired challenges are deleted at their next sign-in once this old (until then a late replay still reads as expired, not unknown). */
export const MFA_CHALLENGE_KEEP_MS = 24 * 3600_000;
/** Recovery codes issued at once (users and admins); each works once. */
export const RECOVERY_CODE_COUNT = 10;

// ---- Project stats (GET /api/admin/projects/{projectId}/stats) ----

/** Days the activity chart covers by default, and at most: 90 UTC days bound one query's index range scan. */
export const STATS_DAYS = { default: 30, max: 90 };

// ---- Operations: retention, import (issue 14) ----

/** Retention (src/scheduled.ts): ended sessions are kept this long past their end (support, audit context), then deleted with their rows. */
export const SESSION_KEEP_ENDED_MS = 7 * 24 * 3600_000;
/** Second-factor and passwordless challenges (WebAuthn, and those added later) are deleted this long after expiry. Email links keep EMAIL_LINK_KEEP_EXPIRED_MS, OAuth states and codes OAUTH_KEEP_SPENT_MS. */
export const CHALLENGE_KEEP_MS = 24 * 3600_000;
/** Email outbox: bodies (the dev provider's copies) are blanked after this; metadata rows are deleted after OUTBOX_KEEP_ROWS_MS. */
export const OUTBOX_KEEP_BODIES_MS = 7 * 24 * 3600_000;
export const OUTBOX_KEEP_ROWS_MS = 90 * 24 * 3600_000;
/** A project's audit rows are kept this many days unless its `auditRetentionDays` says otherwise. */
export const AUDIT_RETENTION_DAYS_DEFAULT = 90;
export const AUDIT_RETENTION_DAYS_RANGE = { min: 1, max: 3650 } as const;
/** Audit rows of no project (admin sign-ins, deployment-wide actions, the retention runs themselves) are kept this many days. */
export const DEPLOYMENT_AUDIT_RETENTION_DAYS = 365;

/** Users per import call (POST …/users/import), and the body cap of that one route (the API's other routes keep MAX_BODY_BYTES). */
export const IMPORT_MAX_USERS = 1_000;
export const IMPORT_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Work bounds on imported password hashes: each is evaluated once per login until the login upgrades it to ours. */
export const IMPORTED_HASH_LIMITS = { bcryptMaxCost: 14, scryptMaxMemoryBytes: 64 * 1024 * 1024, scryptMaxP: 16, pbkdf2MaxIterations: 2_000_000 } as const;
/** Rows per kind and per call of POST /api/admin/maintenance/reseal. */
export const RESEAL_BATCH = 100;

// ---- Passwordless (email codes and magic links) ----

/** How long a mailed sign-in code and its link work, and how the email says it. */
export const PASSWORDLESS_LIFETIME = { ms: 10 * 60_000, words: "10 minutes" } as const;
/** Codes compared per mailed code; the last wrong one spends it (a 1-in-200,000 chance per code). */
export const PASSWORDLESS_MAX_ATTEMPTS = 5;
/** Expired attempts of the project deleted by each start, so the table stays small without a cron. */
export const PASSWORDLESS_PRUNE_ROWS = 20;

// ---- Admin second factor ----

/** An admin's password login with TOTP on answers a challenge that must be completed within this. */
export const ADMIN_MFA_CHALLENGE_TTL_MS = 5 * 60_000;
/** Codes tried against one challenge; after that it is void and the admin logs in again. */
export const ADMIN_MFA_MAX_ATTEMPTS = 5;
/** Issuer shown in authenticator apps for Admin API accounts. */
export const ADMIN_TOTP_ISSUER = "edge-auth admin";

// ---- Passkeys ----

/** A WebAuthn ceremony (options → verify) must finish within this; also the `timeout` hint sent to the browser. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;
/** Expired challenges a new ceremony deletes in passing (bounded work per request). */
export const WEBAUTHN_SWEEP_ROWS = 50;
/** How many passkeys one user may hold (each is a row the sign-in lookup and the register options carry). */
export const PASSKEYS_PER_USER_MAX = 25;

// ---- OpenID Provider (src/oidc, the hosted sign-in page) ----

/** An authorization request waits this long for the user to sign in (and consent) at the hosted page. */
export const OIDC_REQUEST_TTL_MS = 15 * 60_000;
/** Authorization codes are exchanged by the client right after the redirect (single use). */
export const OIDC_CODE_TTL_MS = 60_000;
/** Single sign-on through the hosted page's cookie: ends after 3 days unused, or 30 days after sign-in. */
export const IDP_SESSION_IDLE_MS = 3 * 24 * 3600_000;
export const IDP_SESSION_ABSOLUTE_MS = 30 * 24 * 3600_000;
/** The cookie's last use is written at most this often. */
export const IDP_TOUCH_EVERY_MS = 60_000;
/** After a client secret rotation the previous secret keeps authenticating this long. */
export const CLIENT_PREVIOUS_SECRET_MS = 24 * 3600_000;
/** OAuth clients per project; redirect URIs per client. */
export const OAUTH_CLIENTS_PER_PROJECT = 50;
export const CLIENT_REDIRECT_URIS_MAX = 20;
/** The hosted page adopts (as its single sign-on session) only a session signed in this recently: the one its script just started. */
export const HOSTED_ADOPT_WINDOW_MS = 5 * 60_000;
