import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { ApiError, type ErrorCode } from "./errors";
import { createRouter } from "./lib/create-router";
import { errorResponse } from "./lib/respond";
import { bodyLimit } from "./middleware/body-limit";
import { securityHeaders } from "./middleware/security-headers";
import { adminSession } from "./modules/admin-session/admin-session.index";
import { admins } from "./modules/admins/admins.index";
import { auth } from "./modules/auth/auth.index";
import { registerConsole } from "./modules/console/console.index";
import { registerDocs } from "./modules/docs/docs.index";
import { emailTemplates } from "./modules/email-templates/email-templates.index";
import { health } from "./modules/health/health.index";
import { logs } from "./modules/logs/logs.index";
import { oidc } from "./modules/oidc/oidc.index";
import { maintenance } from "./modules/maintenance/maintenance.index";
import { oauthClients } from "./modules/oauth-clients/oauth-clients.index";
import { oauthProviders } from "./modules/oauth-providers/oauth-providers.index";
import { outbox } from "./modules/outbox/outbox.index";
import { projectUsers } from "./modules/project-users/project-users.index";
import { projects } from "./modules/projects/projects.index";
import { webhooks } from "./modules/webhooks/webhooks.index";
import { OAuthError, fromApiError, oauthErrorResponse, speaksOAuth } from "./oidc/wire";

// What framework-level HTTP exceptions (body parsing, media type) mean in our vocabulary.
const HTTP_EXCEPTION_CODES: Record<number, { code: ErrorCode; message?: string }> = {
  400: { code: "INVALID_JSON", message: "Request body is not valid JSON" },
  401: { code: "UNAUTHORIZED" },
  404: { code: "NOT_FOUND" },
  413: { code: "PAYLOAD_TOO_LARGE" },
  415: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Content-Type must be application/json" },
};

export function createApp() {
  const app = createRouter();

  app.use("*", requestId({ limitLength: 64 }));
  app.use("*", ...securityHeaders());
  app.use("*", bodyLimit());

  app.route("/", health);
  app.route("/", auth);
  app.route("/", oidc);
  app.route("/", adminSession);
  app.route("/", admins);
  app.route("/", projectUsers);
  app.route("/", logs);
  app.route("/", projects);
  app.route("/", oauthProviders);
  app.route("/", oauthClients);
  app.route("/", outbox);
  app.route("/", emailTemplates);
  app.route("/", webhooks);
  app.route("/", maintenance);
  registerDocs(app);
  registerConsole(app);

  app.notFound((c) => errorResponse(c, new ApiError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`)));

  app.onError((err, c) => {
    const answer = (apiError: ApiError) => (speaksOAuth(c) ? oauthErrorResponse(c, fromApiError(apiError)) : errorResponse(c, apiError));
    if (err instanceof OAuthError) return oauthErrorResponse(c, err);
    if (err instanceof ApiError) return answer(err);
    if (err instanceof HTTPException && HTTP_EXCEPTION_CODES[err.status]) {
      const { code, message } = HTTP_EXCEPTION_CODES[err.status]!;
      return answer(new ApiError(code, message ?? err.message));
    }
    console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), error: String(err), stack: (err as Error)?.stack }));
    return answer(new ApiError("INTERNAL_ERROR", "Internal server error"));
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
