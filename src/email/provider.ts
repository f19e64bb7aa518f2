// How email leaves the service: one provider per deployment, chosen by EMAIL_PROVIDER.
import type { Bindings } from "../lib/types";
import { devProvider } from "./dev-provider";
import { resendProvider } from "./resend-provider";
import type { EmailProvider } from "./types";

export const EMAIL_PROVIDERS = ["dev", "resend"] as const;

/** An unknown EMAIL_PROVIDER fails every delivery (recorded in the outbox) rather than the request. */
const misconfigured = (name: string): EmailProvider => ({
  name: name.slice(0, 32),
  keepsMessages: false,
  send: async () => ({ ok: false, attempts: 0, error: `EMAIL_PROVIDER '${name.slice(0, 32)}' is not one of: ${EMAIL_PROVIDERS.join(", ")}` }),
});

/**
 * The development provider in production would leave every live link readable in the outbox and
 * deliver nothing: each send fails instead (recorded in the outbox without a body, and audited).
 */
const devRefused: EmailProvider = {
  name: "dev",
  keepsMessages: false,
  send: async () => ({
    ok: false,
    attempts: 0,
    error: "EMAIL_PROVIDER=dev is refused in production (a request over https to a public host, or a project marked production): set EMAIL_PROVIDER=resend",
  }),
};

/** The deployment's provider; `production` (see lib/deployment.ts) refuses the development one. */
export function emailProvider(env: Bindings, production: boolean): EmailProvider {
  const name = env.EMAIL_PROVIDER || "dev";
  if (name === "dev") return production ? devRefused : devProvider;
  if (name === "resend") return resendProvider({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM });
  return misconfigured(name);
}

/**
 * The provider a queued email was recorded with, for the queue's consumer (which has no request to
 * judge production by): a queued "dev" row can only be the refused one, since the development
 * provider records its messages at once and never queues them.
 */
export function queuedProvider(env: Bindings, name: string): EmailProvider {
  if (name === "dev") return devRefused;
  if (name === "resend") return resendProvider({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM });
  return misconfigured(name);
}
