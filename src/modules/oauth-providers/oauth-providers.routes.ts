import { z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";
import { DeleteOAuthProviderResultSchema, OAuthProviderSchema, ProviderParam, PutOAuthProviderRequest } from "../../schemas/oauth";

const PROVIDERS = "/api/admin/projects/{projectId}/oauth-providers";
const PROVIDER = `${PROVIDERS}/{provider}`;

export const listOAuthProviders = adminRoute("viewer", {
  method: "get",
  path: PROVIDERS,
  operationId: "listOAuthProviders",
  summary: "List a project's sign-in providers",
  description:
    "Every OAuth / OpenID Connect provider configured for the project, by slug. Client secrets are never returned, only `clientSecretSet`. 404 `NOT_FOUND` when the project does not exist.",
  request: { params: ProjectIdParam },
  responses: { 200: ok(z.array(OAuthProviderSchema), "The providers."), ...errorResponses(400, 404) },
});

export const getOAuthProvider = adminRoute("viewer", {
  method: "get",
  path: PROVIDER,
  operationId: "getOAuthProvider",
  summary: "Get a sign-in provider",
  description: "The provider's settings and the `callbackUrl` to register at the provider. 404 `NOT_FOUND` when the project or the provider does not exist.",
  request: { params: ProviderParam },
  responses: { 200: ok(OAuthProviderSchema, "The provider."), ...errorResponses(400, 404) },
});

export const putOAuthProvider = adminRoute("admin", {
  method: "put",
  path: PROVIDER,
  operationId: "putOAuthProvider",
  summary: "Create or replace a sign-in provider",
  description: [
    "Configures sign-in through a provider under the slug `{provider}` (201 when new, 200 when replaced). Register `callbackUrl` from the response as the client's redirect URI at the provider.",
    "",
    "* `oidc`: give the `issuer`. Its discovery document (`{issuer}/.well-known/openid-configuration`) is fetched **now** and its endpoints stored: 502 `UPSTREAM_ERROR` when it cannot be fetched, 400 `VALIDATION_ERROR` naming `issuer` when it names another issuer, lacks endpoints or does not support PKCE S256, or when the issuer or any endpoint is not https on a public host name (IP addresses in any spelling, `localhost`, single-label, `.local` and `.internal` names are refused; http to a loopback host is allowed only while the Worker itself is served from loopback, i.e. `wrangler dev`). Error messages name the check that failed, never what the provider answered. PUT again to pick up changed endpoints; signing keys are fetched from its JWKS at sign-in and follow rotation by themselves.",
    "* `google`, `github`: presets with fixed endpoints; a client secret is required.",
    "",
    "`clientSecret` is encrypted at rest and never returned; omit it to keep the stored one.",
  ].join("\n"),
  request: { params: ProviderParam, body: jsonBody(PutOAuthProviderRequest) },
  responses: {
    200: ok(OAuthProviderSchema, "The provider was replaced."),
    201: ok(OAuthProviderSchema, "The provider was created."),
    ...errorResponses(...BODY_ERRORS, 404, 502),
  },
});

export const deleteOAuthProvider = adminRoute("admin", {
  method: "delete",
  path: PROVIDER,
  operationId: "deleteOAuthProvider",
  summary: "Delete a sign-in provider",
  description:
    "Removes the provider and its stored secret: sign-ins through it stop at once (sessions already started are not ended). Users keep their accounts and links, so configuring the same issuer again signs them in to the same accounts. 404 `NOT_FOUND` when the project or the provider does not exist.",
  request: { params: ProviderParam },
  responses: { 200: ok(DeleteOAuthProviderResultSchema, "Deleted."), ...errorResponses(400, 404) },
});
