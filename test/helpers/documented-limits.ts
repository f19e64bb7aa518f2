// The default rate limits as README.md "Rate limits" documents them, written out rather than imported
// from src/config.ts: a test comparing DEFAULT_RULES with itself cannot notice a changed default.
// Change a value here only together with the README table.
export const README_RULES = {
  "login.account_ip": { kind: "backoff", freeFailures: 5, baseSeconds: 2, maxSeconds: 900 },
  "login.account": { kind: "window", limit: 50, windowSeconds: 900 },
  "login.ip": { kind: "window", limit: 100, windowSeconds: 900 },
  "register.ip": { kind: "window", limit: 30, windowSeconds: 3600 },
  "refresh.session": { kind: "window", limit: 60, windowSeconds: 60 },
  "email.account": { kind: "window", limit: 5, windowSeconds: 3600 },
  "email.ip": { kind: "window", limit: 30, windowSeconds: 3600 },
  "oauth.ip": { kind: "window", limit: 60, windowSeconds: 600 },
  "probe.ip": { kind: "window", limit: 30, windowSeconds: 600 },
  "admin_login.account_ip": { kind: "backoff", freeFailures: 3, baseSeconds: 2, maxSeconds: 900 },
  "admin_login.account": { kind: "window", limit: 20, windowSeconds: 900 },
  "admin_login.ip": { kind: "window", limit: 50, windowSeconds: 900 },
  "mfa.account": { kind: "backoff", freeFailures: 5, baseSeconds: 2, maxSeconds: 900 },
  "email_code.account": { kind: "window", limit: 10, windowSeconds: 900 },
  "email_code.ip": { kind: "window", limit: 50, windowSeconds: 900 },
  "admin_mfa.account": { kind: "window", limit: 10, windowSeconds: 900 },
  "passkey_options.ip": { kind: "window", limit: 60, windowSeconds: 600 },
  "passkey_login.ip": { kind: "window", limit: 30, windowSeconds: 900 },
  "oauth2.ip": { kind: "window", limit: 120, windowSeconds: 600 },
} as const;
