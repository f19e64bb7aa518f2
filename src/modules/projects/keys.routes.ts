import { z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { errorResponses, ok } from "../../schemas/envelope";
import { SigningKeySchema } from "../../schemas/keys";

const KEYS = "/api/admin/projects/{projectId}/keys";

export const listProjectKeys = adminRoute("viewer", {
  method: "get",
  path: KEYS,
  operationId: "listProjectKeys",
  summary: "List a project's signing keys",
  description:
    "Newest first: the `active` key that signs new access tokens, and `retired` keys. A retired key is published in the project's JWKS until `verifyUntil`, when the last token it signed has expired. Public halves only; private keys never leave the service. 404 `NOT_FOUND` when there is no project with this id.",
  request: { params: ProjectIdParam },
  responses: { 200: ok(z.array(SigningKeySchema), "The project's keys."), ...errorResponses(400, 404) },
});

export const rotateProjectKey = adminRoute("admin", {
  method: "post",
  path: `${KEYS}/rotate`,
  operationId: "rotateProjectKey",
  summary: "Rotate a project's signing key",
  description:
    "Creates a new ES256 key that signs every access token from now on, and retires the active one. Tokens the old key signed keep working until they expire: it stays in the JWKS for the project's access token lifetime plus 60 seconds. Verifiers that cache the JWKS pick up the new key when they see its `kid`. 404 `NOT_FOUND` when there is no project with this id.",
  request: { params: ProjectIdParam },
  responses: { 201: ok(SigningKeySchema, "The new active key."), ...errorResponses(400, 404) },
});
