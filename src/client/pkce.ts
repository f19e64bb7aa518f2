// PKCE (RFC 7636) for the social sign-in: the app keeps the verifier, the URL carries its S256 challenge.

const base64url = (bytes: Uint8Array): string => {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

/** 32 random bytes as base64url: 43 characters of the verifier alphabet. */
export const createCodeVerifier = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** BASE64URL(SHA-256(verifier)), what `code_challenge` carries with `code_challenge_method=S256`. */
export async function codeChallengeS256(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}
