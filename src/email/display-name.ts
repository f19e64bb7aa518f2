// A display name is chosen by whoever registers, and anyone can register someone else's address:
// printed in an email from our sender, it must not be able to carry a link or a line of its own.

/** Longest name an email prints (code points); a greeting, not a message. */
export const EMAIL_NAME_MAX = 64;

// Control, format (zero-width, bidi overrides) and line/paragraph separator characters.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
// Anything a mail client might turn into a link: a scheme, `//host`, `www.`, a dotted name or number.
const LINK_LIKE = [/[a-z][a-z0-9+.-]*:\S/i, /\/\//, /(^|\W)www[.。]/i, /[\p{L}\p{N}][.。]\p{L}[\p{L}\p{N}-]/u, /\p{N}[.。]\p{N}/u];

/** `name` with link-like words, invisible characters and line breaks removed, whitespace collapsed, capped; "" when nothing is left. */
export function safeDisplayName(name: string): string {
  const words = name.normalize("NFKC").replace(INVISIBLE, " ").split(/\s+/);
  const kept = words.filter((word) => word && !LINK_LIKE.some((pattern) => pattern.test(word)));
  return [...kept.join(" ")].slice(0, EMAIL_NAME_MAX).join("").trim();
}

export interface Addressee {
  email: string;
  display_name: string | null;
  email_verified: number | boolean;
}

/**
 * What {{displayName}} shows: the cleaned name once the address is verified; until then the name may
 * be a stranger's text (they registered this address), so the address itself. Also the fallback.
 */
export function greetingName(to: Addressee): string {
  return (to.email_verified && to.display_name && safeDisplayName(to.display_name)) || to.email;
}
