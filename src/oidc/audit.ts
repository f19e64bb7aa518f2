// The provider's audit rows (oauth2.*): the user when known, the client as the target.
import type { Context } from "hono";
import { insertAudit } from "../db/audit.repo";
import { auditEntry } from "../lib/request-meta";
import type { AppEnv } from "../lib/types";

export interface OidcEvent {
  type: string;
  outcome: "success" | "failure";
  clientId: string | null;
  details: Record<string, unknown>;
  userId?: string;
}

export const oidcAudit = (c: Context<AppEnv>, e: OidcEvent): D1PreparedStatement =>
  insertAudit(
    c.env.DB,
    auditEntry(c, {
      type: e.type,
      outcome: e.outcome,
      actorType: e.userId ? "user" : "anonymous",
      actorId: e.userId ?? null,
      projectId: c.get("project").id,
      targetType: e.clientId ? "oauth_client" : null,
      targetId: e.clientId,
      details: e.details,
    }),
  );
