import type { RouteHandler } from "@hono/zod-openapi";
import { insertAudit, insertAuditIf } from "../../db/audit.repo";
import {
  deleteOAuthProvider as deleteProvider,
  getOAuthProvider as getProvider,
  listOAuthProviders as listProviders,
  providerExists,
  upsertOAuthProvider,
  type OAuthProviderRow,
} from "../../db/oauth.repo";
import { ApiError } from "../../errors";
import { iso } from "../../lib/clock";
import { servedLocally } from "../../lib/deployment";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { sealClientSecret } from "../../oauth/client-secret";
import { discover } from "../../oauth/discovery";
import { PRESETS, effectiveScopes } from "../../oauth/presets";
import { toProvider } from "./oauth-providers.mappers";
import type { deleteOAuthProvider, getOAuthProvider, listOAuthProviders, putOAuthProvider } from "./oauth-providers.routes";

const noSuchProvider = () => new ApiError("NOT_FOUND", "No sign-in provider with this slug in this project");

export const listOAuthProvidersHandler: RouteHandler<typeof listOAuthProviders, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { results } = await listProviders(c.env.DB, projectId);
  return c.json({ success: true as const, data: results.map((p) => toProvider(c, p)) }, 200);
};

export const getOAuthProviderHandler: RouteHandler<typeof getOAuthProvider, AppEnv> = async (c) => {
  const { projectId, provider } = c.req.valid("param");
  const row = await getProvider(c.env.DB, projectId, provider);
  if (!row) throw noSuchProvider();
  return c.json({ success: true as const, data: toProvider(c, row) }, 200);
};

export const putOAuthProviderHandler: RouteHandler<typeof putOAuthProvider, AppEnv> = async (c) => {
  const { projectId, provider } = c.req.valid("param");
  const body = c.req.valid("json");
  const existing = await getProvider(c.env.DB, projectId, provider);
  const hasSecret = body.clientSecret !== undefined || !!existing?.client_secret_box;
  if (body.type !== "oidc" && !hasSecret)
    throw new ApiError("VALIDATION_ERROR", `clientSecret: is required for type ${body.type}`, {
      details: [{ path: "clientSecret", message: `is required for type ${body.type}` }],
    });
  const endpoints = body.type === "oidc" ? await discover(body.issuer!, hasSecret, servedLocally(c)) : PRESETS[body.type];
  const at = iso();
  const [saved] = await c.env.DB.batch([
    upsertOAuthProvider(c.env.DB, {
      projectId,
      slug: provider,
      type: body.type,
      clientId: body.clientId,
      clientSecretBox:
        body.clientSecret === undefined ? undefined : await sealClientSecret(c.env.KEY_ENCRYPTION_SECRET, projectId, provider, body.clientSecret),
      ...endpoints,
      scopes: effectiveScopes(body.type, body.scopes),
      enabled: body.enabled ?? true,
      at,
    }),
    insertAudit(
      c.env.DB,
      adminAction(c, {
        type: "admin.oauth_provider.put",
        projectId,
        targetType: "oauth_provider",
        targetId: provider,
        details: {
          type: body.type,
          issuer: endpoints.issuer,
          enabled: body.enabled ?? true,
          created: !existing,
          clientSecretChanged: body.clientSecret !== undefined,
        },
        at,
      }),
    ),
  ]);
  const row = saved!.results[0] as OAuthProviderRow;
  return existing ? c.json({ success: true as const, data: toProvider(c, row) }, 200) : c.json({ success: true as const, data: toProvider(c, row) }, 201);
};

export const deleteOAuthProviderHandler: RouteHandler<typeof deleteOAuthProvider, AppEnv> = async (c) => {
  const { projectId, provider } = c.req.valid("param");
  const entry = adminAction(c, { type: "admin.oauth_provider.delete", projectId, targetType: "oauth_provider", targetId: provider });
  // The entry is written only if the row is there to delete, in the same transaction.
  const [, deleted] = await c.env.DB.batch([
    insertAuditIf(c.env.DB, entry, providerExists(projectId, provider)),
    deleteProvider(c.env.DB, projectId, provider),
  ]);
  if (deleted!.results.length !== 1) throw noSuchProvider();
  return c.json({ success: true as const, data: { deleted: true as const } }, 200);
};
