// Provider client secrets at rest: sealed under KEY_ENCRYPTION_SECRET, bound to their project and
// slug, so a ciphertext copied to another row does not open.
import { open, seal } from "../crypto/box";
import { requireSecret } from "../crypto/keys";

const purposeOf = (projectId: string, slug: string) => `oauth-client-secret:${projectId}:${slug}`;

export const sealClientSecret = (keySecret: string | undefined, projectId: string, slug: string, clientSecret: string) =>
  seal(requireSecret(keySecret), purposeOf(projectId, slug), clientSecret);

/** The secret, null for a public client; throws when the box cannot be opened (wrong KEY_ENCRYPTION_SECRET). */
export async function openClientSecret(keySecret: string | undefined, projectId: string, slug: string, box: string | null): Promise<string | null> {
  if (!box) return null;
  const secret = await open(requireSecret(keySecret), purposeOf(projectId, slug), box);
  if (secret === null) throw new Error(`client secret of provider ${projectId}/${slug} cannot be decrypted with the configured KEY_ENCRYPTION_SECRET`);
  return secret;
}

/** Our PKCE verifier towards the provider, kept until the callback. */
const VERIFIER_PURPOSE = "oauth-pkce-verifier";
export const sealVerifier = (keySecret: string | undefined, verifier: string) => seal(requireSecret(keySecret), VERIFIER_PURPOSE, verifier);
export const openVerifier = (keySecret: string | undefined, box: string) => open(requireSecret(keySecret), VERIFIER_PURPOSE, box);
