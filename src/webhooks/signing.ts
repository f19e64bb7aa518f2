// Webhook secrets (whsec_…, sealed at rest) and Standard Webhooks signatures, made with WebCrypto's
// HMAC-SHA256 rather than the standardwebhooks package (its pure-JS SHA-256 would take the bundle over
// budget); the tests verify every signature with that package.
import { openSealed, type SealingSecrets, seal } from "../crypto/box";
import { utf8 } from "../crypto/encoding";
import { requireSecret } from "../crypto/keys";
import { randomBytes } from "../crypto/random";

/** A new signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${btoa(String.fromCharCode(...randomBytes(32)))}`;

// Bound to the webhook: a box copied onto another webhook does not open.
export const webhookSecretPurpose = (webhookId: string) => `webhook-secret:${webhookId}`;

export const sealWebhookSecret = (keySecret: string | undefined, webhookId: string, secret: string): Promise<string> =>
  seal(requireSecret(keySecret), webhookSecretPurpose(webhookId), secret);

/** Opens with the current KEY_ENCRYPTION_SECRET, else the previous one (a rotation in progress). */
export async function openWebhookSecret(secrets: SealingSecrets, webhookId: string, box: string): Promise<string> {
  const secret = await openSealed(secrets, webhookSecretPurpose(webhookId), box);
  if (!secret) throw new Error(`webhook ${webhookId}: secret cannot be opened with the configured KEY_ENCRYPTION_SECRET`);
  return secret;
}

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
const toBase64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

/**
 * The webhook-signature header: `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under each
 * secret (the bytes after `whsec_`), space-separated: the Standard Webhooks way to rotate.
 */
export async function signatureHeader(secrets: readonly string[], msgId: string, at: Date, body: string): Promise<string> {
  const signed = utf8(`${msgId}.${Math.floor(at.getTime() / 1000)}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const key = await crypto.subtle.importKey("raw", fromBase64(secret.replace(/^whsec_/, "")), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return `v1,${toBase64(await crypto.subtle.sign("HMAC", key, signed))}`;
    }),
  );
  return signatures.join(" ");
}
