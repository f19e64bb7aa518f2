// What a provider is, apart from the providers: provider.ts picks one, the providers implement it.
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per message (the outbox id), so a provider can drop the duplicate of a retried request. */
  idempotencyKey: string;
}

export type Delivery =
  | { ok: true; attempts: number; messageId: string | null }
  | {
      ok: false;
      attempts: number;
      error: string;
      /** A failure worth another attempt later (5xx, 429, no answer); anything else fails at once. */
      retryable?: boolean;
      /** The provider's Retry-After, in seconds, when it sent one. */
      retryAfterS?: number;
    };

export interface EmailProvider {
  /** Recorded in the outbox. */
  readonly name: string;
  /**
   * Whether the outbox keeps the rendered message. Only the development provider does: nothing
   * is delivered, so the outbox is the mailbox. A real provider's rows are metadata only, so no
   * live token is ever stored.
   */
  readonly keepsMessages: boolean;
  /** One attempt (retries are the caller's: the queue, or the in-request fallback). */
  send(email: OutgoingEmail): Promise<Delivery>;
}
