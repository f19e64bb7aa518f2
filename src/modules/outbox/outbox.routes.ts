import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { ListOutboxQuery, OutboxMessageSchema } from "../../schemas/email";
import { errorResponses, okList } from "../../schemas/envelope";

export const listOutbox = adminRoute("admin", {
  method: "get",
  path: "/api/admin/projects/{projectId}/outbox",
  operationId: "listOutbox",
  summary: "List a project's sent emails (the outbox)",
  description: [
    "Every email the project sent (verification and password reset links), newest first, with its delivery state: `queued`, `sent` or `failed` (with `lastError`), the number of attempts and the provider's message id. Filter by recipient (`to`), `template` or `status`. Pages are keyset-paginated: pass `meta.nextCursor` as `cursor`.",
    "",
    "With the development provider (`EMAIL_PROVIDER=dev`, the default) nothing is delivered and each message is kept here whole — `subject`, `text` and `html`, links included — so this is the local mailbox. With a real provider only metadata is kept (those fields are null): no live link is ever stored. Because dev messages hold working links, reading them needs the admin role. 404 `NOT_FOUND` when the project does not exist.",
  ].join("\n"),
  request: { params: ProjectIdParam, query: ListOutboxQuery },
  responses: { 200: okList(OutboxMessageSchema, "A page of messages."), ...errorResponses(400, 404) },
});
