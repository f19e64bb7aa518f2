import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { CLIENT_PREVIOUS_SECRET_MS, OAUTH_CLIENTS_PER_PROJECT } from "../../config";
import { randomId, randomToken } from "../../crypto/random";
import { insertAuditIf, type AuditEntry } from "../../db/audit.repo";
import * as repo from "../../db/oauth-clients.repo";
import { revokeClientSessions } from "../../db/sessions.repo";
import { clientRevokedSessionsEvent } from "../../db/webhooks.repo";
import { ApiError } from "../../errors";
import { iso, now } from "../../lib/clock";
import { decodeCursor, page } from "../../lib/cursor";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { clientSecretHash } from "../../oidc/client-auth";
import { dispatchDeliveries } from "../../webhooks/delivery";
import { toOAuthClient } from "./oauth-clients.mappers";
import type * as routes from "./oauth-clients.routes";

type Handler<R extends keyof typeof routes> = RouteHandler<(typeof routes)[R], AppEnv>;

const noSuchClient = () => new ApiError("NOT_FOUND", "No OAuth client with this id in this project");

const audit = (c: Context<AppEnv>, projectId: string, clientId: string, type: string, at: string, details?: Record<string, unknown>): AuditEntry =>
  adminAction(c, { type, projectId, targetType: "oauth_client", targetId: clientId, details, at });

/** A new client secret and its stored form. */
async function newSecret(): Promise<{ secret: string; hash: string }> {
  const secret = randomToken("cs");
  return { secret, hash: await clientSecretHash(secret) };
}

async function requireClient(c: Context<AppEnv>, projectId: string, clientId: string): Promise<repo.OAuthClientRow> {
  const row = await repo.getOAuthClient(c.env.DB, projectId, clientId);
  if (!row) throw noSuchClient();
  return row;
}

export const createOAuthClientHandler: Handler<"createOAuthClient"> = async (c) => {
  const { projectId } = c.req.valid("param");
  const body = c.req.valid("json");
  const clientId = randomId("cl");
  const secret = body.type === "confidential" ? await newSecret() : null;
  const at = iso();
  const [inserted] = await c.env.DB.batch([
    repo.insertOAuthClient(
      c.env.DB,
      {
        clientId,
        projectId,
        name: body.name,
        type: body.type,
        firstParty: body.firstParty ?? false,
        redirectUris: body.redirectUris,
        postLogoutRedirectUris: body.postLogoutRedirectUris ?? [],
        secretHash: secret?.hash ?? null,
        at,
      },
      OAUTH_CLIENTS_PER_PROJECT,
    ),
    insertAuditIf(
      c.env.DB,
      audit(c, projectId, clientId, "admin.oauth_client.create", at, { name: body.name, type: body.type, redirectUris: body.redirectUris }),
      repo.oauthClientExists(projectId, clientId),
    ),
  ]);
  const row = inserted!.results[0] as repo.OAuthClientRow | undefined;
  if (!row) throw new ApiError("CONFLICT", `A project has at most ${OAUTH_CLIENTS_PER_PROJECT} OAuth clients; delete one first`);
  return c.json({ success: true as const, data: { ...toOAuthClient(row, now()), ...(secret ? { clientSecret: secret.secret } : {}) } }, 201);
};

export const listOAuthClientsHandler: Handler<"listOAuthClients"> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const rows = await repo.listOAuthClients(c.env.DB, projectId, { limit: limit + 1, after: decodeCursor(cursor) ?? undefined });
  const { items, nextCursor } = page(
    rows.map((row) => ({ ...row, id: row.client_id })),
    limit,
  );
  const at = now();
  return c.json({ success: true as const, data: items.map((row) => toOAuthClient(row, at)), meta: { nextCursor } }, 200);
};

export const getOAuthClientHandler: Handler<"getOAuthClient"> = async (c) => {
  const { projectId, clientId } = c.req.valid("param");
  return c.json({ success: true as const, data: toOAuthClient(await requireClient(c, projectId, clientId), now()) }, 200);
};

export const updateOAuthClientHandler: Handler<"updateOAuthClient"> = async (c) => {
  const { projectId, clientId } = c.req.valid("param");
  const changes = c.req.valid("json");
  const at = iso();
  // Audit first, guarded on the client existing, so both happen or neither does.
  const [, updated] = await c.env.DB.batch([
    insertAuditIf(
      c.env.DB,
      audit(c, projectId, clientId, "admin.oauth_client.update", at, { fields: Object.keys(changes) }),
      repo.oauthClientExists(projectId, clientId),
    ),
    repo.updateOAuthClient(c.env.DB, projectId, clientId, changes, at),
  ]);
  const row = updated!.results[0] as repo.OAuthClientRow | undefined;
  if (!row) throw noSuchClient();
  return c.json({ success: true as const, data: toOAuthClient(row, now()) }, 200);
};

export const deleteOAuthClientHandler: Handler<"deleteOAuthClient"> = async (c) => {
  const { projectId, clientId } = c.req.valid("param");
  const at = iso();
  const reason = "client_deleted";
  const db = c.env.DB;
  // One transaction: the client's sessions end with it, and session.revoked goes out for each.
  const results = await db.batch([
    insertAuditIf(db, audit(c, projectId, clientId, "admin.oauth_client.delete", at), repo.oauthClientExists(projectId, clientId)),
    revokeClientSessions(db, projectId, clientId, reason, at),
    ...clientRevokedSessionsEvent(db, projectId, clientId, reason, at),
    repo.deleteOAuthClient(db, projectId, clientId),
  ]);
  dispatchDeliveries(c, results);
  if (!results[results.length - 1]!.results.length) throw noSuchClient();
  return c.json({ success: true as const, data: { deleted: true as const, revokedSessions: results[1]!.meta.changes ?? 0 } }, 200);
};

export const rotateOAuthClientSecretHandler: Handler<"rotateOAuthClientSecret"> = async (c) => {
  const { projectId, clientId } = c.req.valid("param");
  const client = await requireClient(c, projectId, clientId);
  if (client.type !== "confidential") throw new ApiError("CONFLICT", "This client is public: it has no secret to rotate (PKCE protects its codes)");
  const { secret, hash } = await newSecret();
  const at = now();
  const previousUntil = iso(at + CLIENT_PREVIOUS_SECRET_MS);
  const [, rotated] = await c.env.DB.batch([
    insertAuditIf(
      c.env.DB,
      audit(c, projectId, clientId, "admin.oauth_client.rotate_secret", iso(at), { previousSecretExpiresAt: previousUntil }),
      repo.oauthClientExists(projectId, clientId, "confidential"),
    ),
    repo.rotateOAuthClientSecret(c.env.DB, projectId, clientId, hash, previousUntil, iso(at)),
  ]);
  const row = rotated!.results[0] as repo.OAuthClientRow | undefined;
  if (!row) throw noSuchClient();
  return c.json({ success: true as const, data: { ...toOAuthClient(row, at), clientSecret: secret } }, 200);
};
