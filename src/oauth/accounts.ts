// Which user a provider account signs in as: its existing link, an account with the same email
// (only when that cannot hand someone else's account over), or a new user. Only an address the
// provider vouches for (email_verified) ever creates or links an account: an unvouched claim of
// someone's address must not leave a way into the account that address will later prove.
import { randomId } from "../crypto/random";
import { findUserForIdentity, insertIdentity, touchIdentity } from "../db/oauth.repo";
import { insertUser, markEmailVerified } from "../db/users.repo";
import { userEvent } from "../db/webhooks.repo";
import { OAuthFlowError } from "./errors";
import type { Profile } from "./profile";

export interface Account {
  userId: string;
  action: "login" | "linked" | "created";
  /** The writes that make it so, for the caller's batch. */
  statements: D1PreparedStatement[];
}

const disabled = () => new OAuthFlowError("access_denied", "This account is disabled", "user_disabled");
const exists = (reason: string, why: string) =>
  new OAuthFlowError("account_exists_unverified", `An account with this email already exists and ${why}; sign in with your password instead`, reason);

/**
 * Linking by email requires the provider to vouch for the address, and the existing account to be
 * safe to hand over: its own email verified, or no password and no other linked provider (an
 * invited user). Otherwise whoever pre-registered the address could keep a way into the account.
 */
export async function accountFor(db: D1Database, projectId: string, provider: string, profile: Profile, at: string, allowSignUp = true): Promise<Account> {
  const match = await findUserForIdentity(db, projectId, profile.issuer, profile.subject, profile.email);
  const identity = { projectId, issuer: profile.issuer, subject: profile.subject, provider, at };
  if (match?.linked) {
    if (match.user.disabled) throw disabled();
    return { userId: match.user.id, action: "login", statements: [touchIdentity(db, projectId, profile.issuer, profile.subject, at)] };
  }
  if (!profile.email) throw new OAuthFlowError("email_required", "The identity provider did not share a verified email address", "email_missing");
  if (match) {
    const { user } = match;
    if (!profile.emailVerified) throw exists("provider_email_unverified", "the identity provider does not confirm this email is yours");
    if (!user.email_verified && (user.password_hash || match.identities > 0)) throw exists("local_email_unverified", "its email is not verified yet");
    if (user.disabled) throw disabled();
    return {
      userId: user.id,
      action: "linked",
      statements: [
        insertIdentity(db, { ...identity, userId: user.id }),
        markEmailVerified(db, projectId, user.id, at),
        ...userEvent(db, projectId, "user.email_verified", user.id, at), // written only if the flag was raised now
      ],
    };
  }
  if (!allowSignUp) throw new OAuthFlowError("sign_up_disabled", "This project does not accept new sign-ups; ask for an account to be created for you");
  if (!profile.emailVerified) {
    throw new OAuthFlowError(
      "email_not_verified",
      "The identity provider does not confirm that this email address is yours; verify it there, or sign up with a password",
      "provider_email_unverified",
    );
  }
  const userId = randomId("usr");
  const displayName = profile.name?.trim().slice(0, 100) || null;
  return {
    userId,
    action: "created",
    statements: [
      // A user who signs in only through a provider: no password, the address the provider vouched for.
      insertUser(db, { id: userId, projectId, email: profile.email, displayName, passwordHash: null, emailVerified: true, createdAt: at }),
      insertIdentity(db, { ...identity, userId }),
      ...userEvent(db, projectId, "user.created", userId, at),
    ],
  };
}
