// Delivery through Resend's HTTP API (https://resend.com/docs/api-reference/emails/send-email).
import { EMAIL_SEND_TIMEOUT_MS } from "../config";
import type { Delivery, EmailProvider, OutgoingEmail } from "./types";

export const RESEND_URL = "https://api.resend.com/emails";

export interface ResendOptions {
  apiKey?: string;
  /** e.g. `Acme <no-reply@acme.com>`, on a domain verified with Resend. */
  from?: string;
}

const retryable = (status: number) => status === 429 || status >= 500;

/** Retry-After in seconds (the delta form), or undefined. */
function retryAfter(value: string | null): number | undefined {
  const seconds = Number(value);
  return value && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

// What the outbox and audit log keep of a failure: the status and Resend's error name and
// message, with anything token-like removed, so no credential or link ends up at rest.
async function describe(response: Response, apiKey: string): Promise<string> {
  let detail = "";
  try {
    const body = (await response.json()) as { name?: unknown; message?: unknown };
    detail = [body.name, body.message].filter((v) => typeof v === "string").join(": ");
  } catch {
    // not JSON: the status says enough
  }
  const safe = detail
    .split(apiKey)
    .join("[redacted]")
    .replace(/[A-Za-z0-9_-]{24,}/g, "[redacted]")
    .slice(0, 300);
  return `Resend answered ${response.status}${safe ? ` (${safe})` : ""}`;
}

export function resendProvider(options: ResendOptions): EmailProvider {
  return {
    name: "resend",
    keepsMessages: false,
    async send(email: OutgoingEmail): Promise<Delivery> {
      const { apiKey, from } = options;
      if (!apiKey) return { ok: false, attempts: 0, error: "RESEND_API_KEY is not configured" };
      if (!from) return { ok: false, attempts: 0, error: "EMAIL_FROM is not configured" };
      const request = {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", "Idempotency-Key": email.idempotencyKey },
        body: JSON.stringify({ from, to: [email.to], subject: email.subject, text: email.text, html: email.html }),
      };
      let response: Response;
      try {
        response = await fetch(RESEND_URL, { ...request, signal: AbortSignal.timeout(EMAIL_SEND_TIMEOUT_MS) });
      } catch (err) {
        const error = (err as Error)?.name === "TimeoutError" ? "Resend did not answer in time" : "Resend could not be reached";
        return { ok: false, attempts: 1, error, retryable: true };
      }
      if (response.ok) {
        const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
        return { ok: true, attempts: 1, messageId: typeof body?.id === "string" ? body.id.slice(0, 128) : null };
      }
      const error = await describe(response, apiKey);
      if (!retryable(response.status)) return { ok: false, attempts: 1, error };
      return { ok: false, attempts: 1, error, retryable: true, retryAfterS: retryAfter(response.headers.get("Retry-After")) };
    },
  };
}
