import { adminRoute } from "../../lib/admin-route";
import { CLIENT_PREVIOUS_SECRET_MS, OAUTH_CLIENTS_PER_PROJECT } from "../../config";
import { ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok, okList, PageQuery } from "../../schemas/envelope";
import {
  CreateOAuthClientRequest,
  DeleteOAuthClientResultSchema,
  OAuthClientIdParam,
  OAuthClientRotatedSchema,
  OAuthClientSchema,
  OAuthClientWithSecretSchema,
  UpdateOAuthClientRequest,
} from "../../schemas/oauth-client";

const CLIENTS = "/api/admin/projects/{projectId}/oauth-clients";
const CLIENT = `${CLIENTS}/{clientId}`;
const NOT_FOUND = "404 `NOT_FOUND` when the project or client does not exist.";
const PREVIOUS_HOURS = CLIENT_PREVIOUS_SECRET_MS / 3600_000;

export const createOAuthClient = adminRoute("admin", {
  method: "post",
  path: CLIENTS,
  operationId: "createOAuthClient",
  summary: "Register an OAuth client",
  description: `Registers an app that signs users in through the project's OpenID Provider (issuer \`/api/auth/{projectId}\`). A \`confidential\` client gets a secret (\`cs_…\`) returned here **once** and stored only as its SHA-256; a \`public\` client has none and relies on PKCE. 400 \`VALIDATION_ERROR\` for a redirect URI that is not allowed (the message says why); 409 \`CONFLICT\` when the project already has ${OAUTH_CLIENTS_PER_PROJECT} clients. 404 \`NOT_FOUND\` when the project does not exist.`,
  request: { params: ProjectIdParam, body: jsonBody(CreateOAuthClientRequest) },
  responses: {
    201: ok(OAuthClientWithSecretSchema, "The client, and its secret if confidential (shown only now)."),
    ...errorResponses(...BODY_ERRORS, 404, 409),
  },
});

export const listOAuthClients = adminRoute("viewer", {
  method: "get",
  path: CLIENTS,
  operationId: "listOAuthClients",
  summary: "List a project's OAuth clients",
  description: "Oldest first, keyset-paginated (pass `meta.nextCursor` as `cursor`). Secrets are never shown. 404 `NOT_FOUND` when the project does not exist.",
  request: { params: ProjectIdParam, query: PageQuery },
  responses: { 200: okList(OAuthClientSchema, "A page of clients."), ...errorResponses(400, 404) },
});

export const getOAuthClient = adminRoute("viewer", {
  method: "get",
  path: CLIENT,
  operationId: "getOAuthClient",
  summary: "Get an OAuth client",
  description: `The client, without any secret. ${NOT_FOUND}`,
  request: { params: OAuthClientIdParam },
  responses: { 200: ok(OAuthClientSchema, "The client."), ...errorResponses(404) },
});

export const updateOAuthClient = adminRoute("admin", {
  method: "patch",
  path: CLIENT,
  operationId: "updateOAuthClient",
  summary: "Update an OAuth client",
  description: `Changes the name, the redirect URIs (lists replace the whole list, checked as at registration: 400 \`VALIDATION_ERROR\`) or whether the client is first-party. \`type\` cannot change (400: register a new client instead). ${NOT_FOUND}`,
  request: { params: OAuthClientIdParam, body: jsonBody(UpdateOAuthClientRequest) },
  responses: { 200: ok(OAuthClientSchema, "The updated client."), ...errorResponses(...BODY_ERRORS, 404) },
});

export const deleteOAuthClient = adminRoute("admin", {
  method: "delete",
  path: CLIENT,
  operationId: "deleteOAuthClient",
  summary: "Delete an OAuth client",
  description: `Deletes the client with its pending authorization requests, codes and consents, and revokes every session issued to it, so its access tokens stop working at their next check and its refresh tokens at once. ${NOT_FOUND}`,
  request: { params: OAuthClientIdParam },
  responses: { 200: ok(DeleteOAuthClientResultSchema, "Deleted."), ...errorResponses(404) },
});

export const rotateOAuthClientSecret = adminRoute("admin", {
  method: "post",
  path: `${CLIENT}/rotate-secret`,
  operationId: "rotateOAuthClientSecret",
  summary: "Rotate a confidential client's secret",
  description: `Returns a new secret, shown only in this response. The previous secret keeps authenticating for ${PREVIOUS_HOURS} hours (\`previousSecretExpiresAt\`), so the app can be redeployed with the new one; a second rotation ends the first previous secret at once. 409 \`CONFLICT\` for a public client, which has no secret. ${NOT_FOUND}`,
  request: { params: OAuthClientIdParam },
  responses: { 200: ok(OAuthClientRotatedSchema, "The client and its new secret (shown only now)."), ...errorResponses(404, 409) },
});
