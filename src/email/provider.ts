// How email leaves the service: one provider per deployment, chosen by EMAIL_PROVIDER.
import type { Bindings } from "../lib/types";
import { devProvider } from "./dev-provider";
import { resendProvider } from "./resend-provider";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per message (the outbox id), so a provider can drop the duplicate of a retried request. */
  idempotencyKey: string;
}

export type Delivery = { ok: true; attempts: number; messageId: string | null } | { ok: false; attempts: number; error: string };

export interface EmailProvider {
  /** Recorded in the outbox. */
  readonly name: string;
  /**
   * Whether the outbox keeps the rendered message. Only the development provider does: nothing
   * is delivered, so the outbox is the mailbox. A real provider's rows are metadata only, so no
   * live token is ever stored.
   */
  readonly keepsMessages: boolean;
  send(email: OutgoingEmail): Promise<Delivery>;
}

export const EMAIL_PROVIDERS = ["dev", "resend"] as const;

/** An unknown EMAIL_PROVIDER fails every delivery (recorded in the outbox) rather than the request. */
const misconfigured = (name: string): EmailProvider => ({
  name: name.slice(0, 32),
  keepsMessages: false,
  send: async () => ({ ok: false, attempts: 0, error: `EMAIL_PROVIDER '${name.slice(0, 32)}' is not one of: ${EMAIL_PROVIDERS.join(", ")}` }),
});

export function emailProvider(env: Bindings): EmailProvider {
  const name = env.EMAIL_PROVIDER || "dev";
  if (name === "dev") return devProvider;
  if (name === "resend") return resendProvider({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM });
  return misconfigured(name);
}
