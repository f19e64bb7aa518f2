import { z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { errorResponses, ok } from "../../schemas/envelope";
import { JwkSchema } from "../auth/well-known.routes";

export const SigningKeySchema = z
  .object({
    kid: z.string().openapi({ description: "Key id: the `kid` header of the tokens this key signs.", example: "key_3kP9sLq2Vx8Rt1Yz6Wm4Nb" }),
    alg: z.literal("ES256"),
    status: z.enum(["active", "retired"]).openapi({ description: "`active` signs new tokens; `retired` only verifies tokens it signed before." }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    retiredAt: z.string().datetime().nullable().openapi({ example: null }),
    verifyUntil: z
      .string()
      .datetime()
      .nullable()
      .openapi({ description: "A retired key is in the JWKS until then (its last token's expiry); null while active.", example: null }),
    publicJwk: JwkSchema,
  })
  .openapi("SigningKey");

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
