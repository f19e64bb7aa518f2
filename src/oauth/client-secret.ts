// Provider client secrets at rest: sealed under KEY_ENCRYPTION_SECRET, bound to their project and
// slug, so a ciphertext copied to another row does not open.
import { openSealed, type SealingSecrets, seal } from "../crypto/box";
import { requireSecret } from "../crypto/keys";

export const clientSecretPurpose = (projectId: string, slug: string) => `oauth-client-secret:${projectId}:${slug}`;

export const sealClientSecret = (keySecret: string | undefined, projectId: string, slug: string, clientSecret: string) =>
  seal(requireSecret(keySecret), clientSecretPurpose(projectId, slug), clientSecret);

/** The secret, null for a public client; throws when the box cannot be opened (wrong KEY_ENCRYPTION_SECRET). */
export async function openClientSecret(secrets: SealingSecrets, projectId: string, slug: string, box: string | null): Promise<string | null> {
  if (!box) return null;
  const secret = await openSealed(secrets, clientSecretPurpose(projectId, slug), box);
  if (secret === null) throw new Error(`client secret of provider ${projectId}/${slug} cannot be decrypted with KEY_ENCRYPTION_SECRET or its previous value`);
  return secret;
}

/** Our PKCE verifier towards the provider, kept until the callback. */
export const VERIFIER_PURPOSE = "oauth-pkce-verifier";
export const sealVerifier = (keySecret: string | undefined, verifier: string) => seal(requireSecret(keySecret), VERIFIER_PURPOSE, verifier);
export const openVerifier = (secrets: SealingSecrets, box: string) => openSealed(secrets, VERIFIER_PURPOSE, box);
