// Webhook secrets (whsec_…, sealed at rest) and Standard Webhooks signatures.
import { Webhook } from "standardwebhooks";
import { open, seal } from "../crypto/box";
import { requireSecret } from "../crypto/keys";
import { randomBytes } from "../crypto/random";

/** A new signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${btoa(String.fromCharCode(...randomBytes(32)))}`;

// Bound to the webhook: a box copied onto another webhook does not open.
const purposeOf = (webhookId: string) => `webhook-secret:${webhookId}`;

export const sealWebhookSecret = (keySecret: string | undefined, webhookId: string, secret: string): Promise<string> =>
  seal(requireSecret(keySecret), purposeOf(webhookId), secret);

export async function openWebhookSecret(keySecret: string | undefined, webhookId: string, box: string): Promise<string> {
  const secret = await open(requireSecret(keySecret), purposeOf(webhookId), box);
  if (!secret) throw new Error(`webhook ${webhookId}: secret cannot be opened with the configured KEY_ENCRYPTION_SECRET`);
  return secret;
}

/** The webhook-signature header: one `v1,…` per secret, space-separated (the spec's way to rotate). */
export const signatureHeader = (secrets: readonly string[], msgId: string, at: Date, body: string): string =>
  secrets.map((secret) => new Webhook(secret).sign(msgId, at, body)).join(" ");
