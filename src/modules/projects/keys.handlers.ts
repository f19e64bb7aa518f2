import type { RouteHandler } from "@hono/zod-openapi";
import { RETIRED_KEY_GRACE_SECONDS } from "../../config";
import { generateSigningKey } from "../../crypto/keys";
import { insertAudit } from "../../db/audit.repo";
import { insertSigningKey, isForeignKeyViolation, listSigningKeys, retireActiveKeys } from "../../db/keys.repo";
import { projectNotFound } from "../../middleware/project";
import { iso, now } from "../../lib/clock";
import type { AppEnv } from "../../lib/types";
import type { listProjectKeys, rotateProjectKey } from "./keys.routes";
import { projectAudit } from "./projects.handlers";
import { toSigningKey } from "./projects.mappers";
import { forgetProject } from "../../lib/project-cache";

export const listProjectKeysHandler: RouteHandler<typeof listProjectKeys, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const keys = await listSigningKeys(c.env.DB, projectId);
  return c.json({ success: true as const, data: keys.map(toSigningKey) }, 200);
};

export const rotateProjectKeyHandler: RouteHandler<typeof rotateProjectKey, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const project = c.get("adminProject");
  const key = await generateSigningKey(c.env.KEY_ENCRYPTION_SECRET);
  const t = now();
  const at = iso(t);
  // The last token the old key signed expires at most access_token_ttl after now.
  const verifyUntil = iso(t + (project.access_token_ttl + RETIRED_KEY_GRACE_SECONDS) * 1000);
  try {
    await c.env.DB.batch([
      retireActiveKeys(c.env.DB, projectId, at, verifyUntil),
      insertSigningKey(c.env.DB, projectId, key, at),
      insertAudit(c.env.DB, projectAudit(c, projectId, "admin.project.key.rotate", { kid: key.kid, retiredVerifyUntil: verifyUntil }, at)),
    ]);
    forgetProject(projectId);
  } catch (err) {
    // The project was deleted between the read and the batch.
    if (isForeignKeyViolation(err)) throw projectNotFound(projectId);
    throw err;
  }
  const created = {
    id: key.kid,
    alg: key.publicJwk.alg,
    public_jwk: JSON.stringify(key.publicJwk),
    status: "active" as const,
    created_at: at,
    retired_at: null,
    verify_until: null,
  };
  return c.json({ success: true as const, data: toSigningKey(created) }, 201);
};
