// Failures of the browser steps of a sign-in. They travel back to the app as `?error=&error_description=`
// on its redirect URI (RFC 6749 §4.1.2.1 vocabulary plus a few of ours), and into the audit log as `reason`.

/** The `error` values the callback can send to an app. */
export const SIGN_IN_ERRORS = [
  "access_denied",
  "invalid_request",
  "invalid_grant",
  "invalid_id_token",
  "email_required",
  "email_not_verified",
  "account_exists_unverified",
  "temporarily_unavailable",
  "sign_up_disabled",
  "server_error",
] as const;

export type SignInError = (typeof SIGN_IN_ERRORS)[number];

export class OAuthFlowError extends Error {
  override name = "OAuthFlowError";

  constructor(
    readonly error: SignInError,
    /** Shown to the app as error_description: safe, short, no secrets. */
    readonly description: string,
    /** Audit reason, machine-readable (e.g. nonce_mismatch, provider_unreachable). */
    readonly reason: string = error,
  ) {
    super(description);
  }
}

/** A provider that could not be reached or answered with a server error. */
export const unavailable = (what: string, detail: string) =>
  new OAuthFlowError("temporarily_unavailable", `The identity provider's ${what} is unavailable (${detail}); try again later`, "provider_unavailable");
