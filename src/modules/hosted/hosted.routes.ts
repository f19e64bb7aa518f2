import { createRoute, z } from "@hono/zod-openapi";
import { HOSTED_ADOPT_WINDOW_MS } from "../../config";
import { ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok, redirectResponse } from "../../schemas/envelope";

const tags = ["Auth"];
const security: Array<Record<string, string[]>> = [];

/** An HTML page (the hosted pages are for browsers, not for code). */
const page = (description: string) => ({ description, content: { "text/html": { schema: z.string().openapi({ description: "An HTML document." }) } } });

const requestParam = (name: "request" | "state", description: string) =>
  z
    .string()
    .max(128)
    .optional()
    .openapi({ param: { name, in: "query", description }, example: "azr_3k9xQ2mW7bYt1xZ3mW9aAa" });

const optionalText = (name: string, description: string, max = 2048) =>
  z
    .string()
    .max(max)
    .optional()
    .openapi({ param: { name, in: "query", description } });

export const HostedSignInQuery = z.object({
  request: requestParam("request", "The waiting authorization request (the authorization endpoint sends the browser here with it)."),
  state: requestParam("state", "The request id again, as a social sign-in brings it back in `state`."),
  code: optionalText("code", "A social sign-in's one-time code, which the page's script exchanges at `POST /oauth/token`.", 256),
  error: optionalText("error", "A social sign-in's error code, shown to the user.", 64),
  error_description: optionalText("error_description", "A social sign-in's error, shown to the user."),
  token: optionalText("token", "An emailed link's token (magic link or password reset), used by the page's script.", 512),
  type: optionalText("type", "The emailed link's kind: `passwordless` or `reset_password`.", 32),
});

export const hostedSignIn = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/hosted/sign-in",
  operationId: "hostedSignIn",
  tags,
  security,
  summary: "The hosted sign-in page",
  description: [
    "Server-rendered HTML for the user's browser, where the authorization endpoint sends it while a request waits for a sign-in. It offers what the project enables (password with the second-factor step, sign-up, password reset, email code or magic link, passkeys, social providers) and drives this project's JSON Auth API from one same-origin script, so every rate limit, lockout and audit event of those routes applies. When a sign-in yields tokens, the script hands the session to `POST /hosted/session`, which sends the browser on to the app (or the consent screen).",
    "",
    "Strict Content-Security-Policy (no inline script, no other origin), the project's name, logo and accent colour. An unknown, expired or completed request answers a 400 page telling the user to start again from the app.",
  ].join("\n"),
  request: { params: ProjectIdParam, query: HostedSignInQuery },
  responses: {
    200: page("The sign-in page."),
    400: page("The request is unknown, expired or already completed: a page telling the user to go back to the app and start again."),
    ...errorResponses(403, 404),
  },
});

export const HostedSessionRequest = z
  .object({
    refreshToken: z
      .string()
      .min(1)
      .max(512)
      .openapi({ description: "The refresh token the sign-in just returned.", example: "rt_Qm9ndXNUb2tlbkV4YW1wbGVPbmx5Tm90UmVhbA" }),
    request: z.string().min(1).max(128).openapi({ description: "The waiting authorization request.", example: "azr_3k9xQ2mW7bYt1xZ3mW9aAa" }),
    csrfToken: z
      .string()
      .min(1)
      .max(128)
      .openapi({ description: "The page's CSRF token (it must equal the page's cookie).", example: "csrf_Q2hhbGxlbmdlVG9rZW5FeGFtcGxl" }),
  })
  .openapi("HostedSessionRequest");

export const HostedSessionResult = z
  .object({
    redirectTo: z.string().openapi({
      description: "Where the browser goes next: the app's redirect URI with `code`, `state` and `iss`, or the consent screen.",
      example: "https://app.example.com/callback?code=ac_Qm9ndXM&state=af0ifjsldkj&iss=https%3A%2F%2Fauth.example.com%2Fapi%2Fauth%2Fmobile_app",
    }),
  })
  .openapi("HostedSessionResult");

export const hostedSession = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/hosted/session",
  operationId: "hostedSession",
  tags,
  security,
  summary: "Turn the hosted page's sign-in into single sign-on",
  description: `Called by the hosted page's script only (same origin: \`Origin\` must be the issuer's, and \`csrfToken\` must equal the page's CSRF cookie, else 403 \`FORBIDDEN\`). Adopts the session the page just signed in (at most ${HOSTED_ADOPT_WINDOW_MS / 60_000} minutes old, not an OAuth client's, not revoked; else 401 \`INVALID_TOKEN\`) as the browser's single sign-on session: sets the HttpOnly sign-on cookie and deletes the session's refresh tokens, so the page keeps none. 403 \`MFA_REQUIRED\` when the project requires a second factor the user has not set up yet. Then answers where to go: the app's redirect URI with a one-time code, or the consent screen for a third-party client the user has not yet allowed. 400 \`VALIDATION_ERROR\` when the authorization request is unknown, expired or completed (the sign-on cookie is still set). Unknown refresh tokens count per IP (\`probe.ip\`).`,
  request: { params: ProjectIdParam, body: jsonBody(HostedSessionRequest) },
  responses: {
    200: ok(HostedSessionResult, "Signed on; where the browser goes next."),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429),
  },
});

export const HostedConsentQuery = z.object({
  request: z
    .string()
    .max(128)
    .optional()
    .openapi({ param: { name: "request", in: "query", description: "The waiting authorization request." }, example: "azr_3k9xQ2mW7bYt1xZ3mW9aAa" }),
});

export const hostedConsent = createRoute({
  method: "get",
  path: "/api/auth/{projectId}/hosted/consent",
  operationId: "hostedConsent",
  tags,
  security,
  summary: "The consent screen for a third-party client",
  description:
    "HTML: the client's name and the requested scopes in plain words, with Allow and Deny (a form posted to `POST /hosted/consent`). Needs the browser's single sign-on session; without one (or when the request asks for a new sign-in) it redirects to the sign-in page. An unknown, expired or completed request answers a 400 page.",
  request: { params: ProjectIdParam, query: HostedConsentQuery },
  responses: {
    200: page("The consent screen."),
    302: redirectResponse("No usable sign-on session: to the hosted sign-in page.", "`<issuer>/hosted/sign-in?request=<id>`."),
    400: page("The request is unknown, expired or already completed."),
    ...errorResponses(403, 404),
  },
});

export const HostedConsentForm = z
  .object({
    request: z.string().min(1).max(128).openapi({ example: "azr_3k9xQ2mW7bYt1xZ3mW9aAa" }),
    csrfToken: z.string().min(1).max(128).openapi({ example: "csrf_Q2hhbGxlbmdlVG9rZW5FeGFtcGxl" }),
    decision: z.enum(["allow", "deny"]).openapi({ description: "The button the user pressed." }),
  })
  .openapi("HostedConsentForm");

export const hostedConsentDecision = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/hosted/consent",
  operationId: "hostedConsentDecision",
  tags,
  security,
  summary: "Allow or deny a third-party client",
  description:
    "The consent screen's form (form-encoded, same origin, with the page's CSRF token). Allow records the grant (audited `oauth2.consent`) and redirects to the app with a one-time code; Deny redirects to the app with `error=access_denied`. Without a sign-on session: back to the sign-in page. A foreign origin, a wrong CSRF token, or an unknown, expired or completed request answers a 400 page.",
  request: {
    params: ProjectIdParam,
    body: { required: true, content: { "application/x-www-form-urlencoded": { schema: HostedConsentForm } } },
  },
  responses: {
    302: redirectResponse(
      "To the app (a code, or `error=access_denied`), or back to sign-in.",
      "The app's redirect URI with `code`, `state` and `iss`, or with `error`; or the hosted sign-in page.",
    ),
    400: page("A refused form: foreign origin, wrong CSRF token, or an unknown, expired or completed request."),
    ...errorResponses(403, 404, 413, 415),
  },
});

export const hostedAsset = createRoute({
  method: "get",
  path: "/hosted/assets/{file}",
  operationId: "hostedAsset",
  tags,
  security,
  summary: "The hosted pages' script and style sheet",
  description: "Static files of the hosted pages, named by a hash of their content and cached for a year. Other names: 404.",
  request: {
    params: z.object({
      file: z
        .string()
        .max(64)
        .openapi({ param: { name: "file", in: "path", description: "`hosted-<hash>.js` or `hosted-<hash>.css`." }, example: "hosted-1a2b3c4d.js" }),
    }),
  },
  responses: {
    200: {
      description: "The file.",
      content: { "text/javascript": { schema: z.string() }, "text/css": { schema: z.string() } },
    },
    ...errorResponses(404),
  },
});
