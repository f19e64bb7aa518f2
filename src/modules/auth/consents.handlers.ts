import type { RouteHandler } from "@hono/zod-openapi";
import { listUserConsents } from "../../db/oidc.repo";
import { ApiError } from "../../errors";
import { iso } from "../../lib/clock";
import { auditEntry } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toConnectedApp, withdrawConsent } from "../../oidc/consents";
import type { listMyConsents, revokeMyConsent } from "./consents.routes";

export const listMyConsentsHandler: RouteHandler<typeof listMyConsents, AppEnv> = async (c) => {
  const { results } = await listUserConsents(c.env.DB, c.get("project").id, c.get("auth").user.id);
  return c.json({ success: true as const, data: results.map(toConnectedApp) }, 200);
};

export const revokeMyConsentHandler: RouteHandler<typeof revokeMyConsent, AppEnv> = async (c) => {
  const projectId = c.get("project").id;
  const userId = c.get("auth").user.id;
  const { clientId } = c.req.valid("param");
  const audit = auditEntry(c, {
    type: "auth.consent.revoke",
    outcome: "success",
    actorType: "user",
    actorId: userId,
    projectId,
    targetType: "oauth_client",
    targetId: clientId,
    at: iso(),
  });
  const endedSessions = await withdrawConsent(c, projectId, userId, clientId, "consent_revoked", audit);
  if (endedSessions === null) throw new ApiError("NOT_FOUND", "You have no consent for this app (unknown, or already revoked)");
  return c.json({ success: true as const, data: { revoked: true as const, endedSessions } }, 200);
};
