import type { EmailProvider } from "./types";

/**
 * The default for local work and tests: delivers nothing. The outbox keeps each rendered
 * message, links included, and GET /api/admin/projects/{projectId}/outbox is the mailbox.
 */
export const devProvider: EmailProvider = {
  name: "dev",
  keepsMessages: true,
  send: async () => ({ ok: true, attempts: 1, messageId: null }),
};
