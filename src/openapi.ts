import type { Router } from "./lib/create-router";
import { ERROR_DOCS } from "./schemas/envelope";
import { ErrorSchema } from "./schemas/error";
import { API_VERSION } from "./lib/version";

export const LOCAL_SERVER = { url: "http://127.0.0.1:8787", description: "Local development (npm start)" };

const DESCRIPTION = `Multi-tenant authentication for Cloudflare Workers.

* **Auth API** (\`/api/auth/{projectId}/...\`): what your apps call to register, log in and manage sessions of their users. Access tokens are ES256 JWTs signed per project; verify them offline with the project's JWKS.
* **Admin API** (\`/api/admin/...\`): what operators call to manage projects, users, keys and the audit log. Authenticate with \`POST /api/admin/login\` and send the session token in \`X-Admin-Session\`.

Every response is an envelope: \`{"success": true, "data": ...}\` or \`{"success": false, "error": "...", "code": "..."}\`. Every response carries \`X-Request-Id\`.`;

type Doc = ReturnType<Router["getOpenAPI31Document"]>;

/** The shared Error component as plain JSON, for responses added after generation. */
const errorRef = (status: 400 | 413, oauthWire: boolean) => {
  const { description, code, error } = ERROR_DOCS[status];
  if (oauthWire) {
    const example = { error: "invalid_request", error_description: error };
    return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/OAuthError" }, example } } };
  }
  return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, example: { success: false, error, code } } } };
};

/**
 * Answers that come from shared middleware rather than a route, documented on every operation
 * they can reach: the body cap is enforced before routing, so any non-GET operation can answer
 * 413; parameter validation (defaultHook) means any operation with parameters can answer 400.
 */
function documentFrameworkErrors(doc: Doc): Doc {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, any>)) {
      if (!op?.responses) continue;
      const oauthWire = op["x-oauth-wire"] === true;
      if (method !== "get" && !op.responses["413"]) {
        op.responses["413"] = errorRef(413, oauthWire);
      }
      if (op.parameters?.length && !op.responses["400"]) {
        op.responses["400"] = errorRef(400, oauthWire);
      }
    }
  }
  return doc;
}

/** The OpenAPI 3.1 document of everything registered on `app`. */
export function openApiDocument(app: Router) {
  app.openAPIRegistry.register("Error", ErrorSchema);
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A project access token from register, login or refresh.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "clientSecretBasic", {
    type: "http",
    scheme: "basic",
    description: "An OAuth client's id and secret (client_secret_basic, RFC 6749 §2.3.1); public clients send client_id in the form instead.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminSession", {
    type: "apiKey",
    in: "header",
    name: "X-Admin-Session",
    description: "An admin session token from POST /api/admin/login.",
  });
  return nameWebhooks(
    documentFrameworkErrors(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: {
          title: "edge-auth API",
          version: API_VERSION,
          description: DESCRIPTION,
          license: { name: "MIT", url: "https://opensource.org/license/mit" },
          contact: { name: "edge-auth maintainers" },
        },
        servers: [LOCAL_SERVER],
        tags: [
          { name: "Auth", description: "Per-project end-user authentication." },
          {
            name: "OpenID Connect",
            description:
              "Each project is an OpenID Provider: any OIDC client library signs users in through the hosted page with the issuer `<PUBLIC_URL>/api/auth/{projectId}`. These endpoints speak OAuth's wire formats, not the envelope.",
          },
          { name: "Admin", description: "Operating the service: projects, users, keys, audit log." },
          { name: "Meta", description: "Service health." },
          { name: "Webhooks", description: "Events POSTed to a project's webhooks (signed per Standard Webhooks), one entry per event type." },
        ],
      }),
    ),
  );
}

/** Webhooks are named by their event type; the router's merge prefixes them like paths. */
function nameWebhooks(doc: Doc): Doc {
  if (doc.webhooks) doc.webhooks = Object.fromEntries(Object.entries(doc.webhooks).map(([name, item]) => [name.replace(/^\//, ""), item]));
  return doc;
}
