// The webhook event types, declared once: the zod enum, the spec's webhook schemas and the
// writers all read this list, so adding an event is one line here (plus the call that emits it).

/** What an event's `data` is: the user or the session, as the Admin API shows it. */
export type EventSubject = "user" | "session";

export const WEBHOOK_EVENTS = {
  "user.created": { subject: "user", description: "A user was created: registration, an admin, or a first social sign-in." },
  "user.updated": { subject: "user", description: "A user's profile or settings changed (PATCH /me or the Admin API)." },
  "user.deleted": { subject: "user", description: "A user was deleted; `data` is the user as it was just before." },
  "user.email_verified": { subject: "user", description: "A user proved control of their email address." },
  "user.password_changed": { subject: "user", description: "A user's password was changed, reset through a link, or set by an admin." },
  "session.created": { subject: "session", description: "A session started (registration or a sign-in)." },
  "session.revoked": { subject: "session", description: "A session ended: logout, the user or an admin ended it, or a password change/disable ended it." },
  "mfa.enrolled": { subject: "user", description: "A user turned on a second factor: confirmed TOTP or registered a passkey." },
  "session.reuse_detected": { subject: "session", description: "A spent refresh token was presented again; the session was revoked for safety." },
} as const satisfies Record<string, { subject: EventSubject; description: string }>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;

export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as [WebhookEventType, ...WebhookEventType[]];
