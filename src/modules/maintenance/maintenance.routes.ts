import { z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";

export const ResealRequest = z
  .object({
    cursor: z.string().min(1).max(512).optional().openapi({ description: "`nextCursor` of the previous call; omit to start from the beginning." }),
  })
  .openapi("ResealRequest", { example: {} });

const KindCounts = z
  .object({
    resealed: z.number().int().openapi({ description: "Opened only with KEY_ENCRYPTION_SECRET_PREVIOUS and now sealed under KEY_ENCRYPTION_SECRET." }),
    current: z.number().int().openapi({ description: "Already sealed under KEY_ENCRYPTION_SECRET." }),
    unreadable: z.number().int().openapi({ description: "Opens with neither secret (sealed under a secret this deployment no longer has); left as is." }),
  })
  .openapi("ResealCounts");

export const ResealResultSchema = z
  .object({
    kinds: z.record(z.string(), KindCounts).openapi({
      description: "Counts of this call per kind of sealed value: `signingKeys`, `providerClientSecrets`, `oauthStateVerifiers` (and any added later).",
    }),
    nextCursor: z.string().nullable().openapi({ description: "Pass it back to go on; null when every sealed value has been visited." }),
  })
  .openapi("ResealResult", {
    example: {
      kinds: { signingKeys: { resealed: 12, current: 0, unreadable: 0 }, providerClientSecrets: { resealed: 3, current: 0, unreadable: 0 } },
      nextCursor: null,
    },
  });

export const reseal = adminRoute("owner", {
  method: "post",
  path: "/api/admin/maintenance/reseal",
  operationId: "resealSecrets",
  summary: "Re-seal stored secrets under the current KEY_ENCRYPTION_SECRET",
  description:
    'Secret rotation (README, "Rotating KEY_ENCRYPTION_SECRET"): with the old secret in `KEY_ENCRYPTION_SECRET_PREVIOUS` and the new one in `KEY_ENCRYPTION_SECRET`, each call visits up to 100 sealed values (signing keys, provider client secrets, pending sign-in verifiers) in a fixed order, re-seals those that only the previous secret opens, and reports counts per kind. Call again with `nextCursor` until it is null; running it again is harmless. Once a full pass reports no `resealed` and no `unreadable`, `KEY_ENCRYPTION_SECRET_PREVIOUS` can be removed. 400 `VALIDATION_ERROR` for a cursor this API did not return.',
  request: { body: jsonBody(ResealRequest) },
  responses: { 200: ok(ResealResultSchema, "What this call did, and where to go on."), ...errorResponses(...BODY_ERRORS) },
});
