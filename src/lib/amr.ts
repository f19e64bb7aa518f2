// Authentication method references (RFC 8176 style): how a session was signed in. A session keeps
// its list; every access token of it carries the list as `amr`.

export const AMR_VALUES = ["pwd", "otp", "recovery_code", "webauthn", "email", "fed"] as const;
export type Amr = (typeof AMR_VALUES)[number];

/**
 * Methods that satisfy a second-factor requirement on their own: a TOTP or recovery code after a
 * first factor, or a passkey (possession plus the authenticator's user verification).
 */
const STRONG: ReadonlySet<Amr> = new Set(["otp", "recovery_code", "webauthn"]);

export const satisfiesMfa = (amr: readonly string[]): boolean => amr.some((method) => STRONG.has(method as Amr));

/** A session's stored list; anything unreadable reads as a password sign-in (the column's default). */
export function amrOf(json: string | null | undefined): Amr[] {
  try {
    const list: unknown = JSON.parse(json ?? "");
    if (Array.isArray(list)) return list.filter((m): m is Amr => (AMR_VALUES as readonly unknown[]).includes(m));
  } catch {
    // fall through
  }
  return ["pwd"];
}

/** Whether a session with `amr` in a project with `mfaPolicy` is restricted to enrolling a second factor. */
export const mustEnroll = (mfaPolicy: string, amr: readonly string[]): boolean => mfaPolicy === "required" && !satisfiesMfa(amr);

/** The `restricted` claim of such a session's access tokens: resource servers must refuse them. */
export const RESTRICTED_MFA_ENROLLMENT = "mfa_enrollment";
