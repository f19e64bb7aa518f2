import { z } from "@hono/zod-openapi";
import { userRoute } from "../../lib/user-route";
import { ProjectIdParam } from "../../schemas/auth";
import { ConnectedAppSchema, MyConsentParam, RevokeConsentResultSchema } from "../../schemas/consents";
import { errorResponses, ok } from "../../schemas/envelope";

const OWN_SESSION =
  "Only the user's own session (an access token of this Auth API) may call it: a token the OpenID Provider issued to an OAuth client gets 401, so an app cannot read or withdraw consents.";

export const listMyConsents = userRoute({
  method: "get",
  path: "/api/auth/{projectId}/me/consents",
  operationId: "listMyConsents",
  summary: "List the current user's connected apps",
  description: `The third-party apps the user allowed on the consent screen (their consents), newest first, each with the scopes granted. Show it on an account page next to a "Revoke" button per app (\`DELETE /me/consents/{clientId}\`). ${OWN_SESSION}`,
  request: { params: ProjectIdParam },
  responses: { 200: ok(z.array(ConnectedAppSchema), "The user's connected apps (possibly none)."), ...errorResponses(404) },
});

export const revokeMyConsent = userRoute({
  method: "delete",
  path: "/api/auth/{projectId}/me/consents/{clientId}",
  operationId: "revokeMyConsent",
  summary: "Revoke a connected app",
  description: `Withdraws the user's consent to the app and signs the app out at once: the user's sessions issued to it end (its access tokens and refresh tokens stop working; webhook event \`session.revoked\` for each), and an authorization code it was just given can no longer be exchanged. The user's other sessions and apps go on. The app's next sign-in request shows the consent screen again. Audited as \`auth.consent.revoke\`. 404 \`NOT_FOUND\` when the user has no consent for this client (an unknown client, a first-party app, another user's or project's consent, or one already revoked). ${OWN_SESSION}`,
  request: { params: MyConsentParam },
  responses: { 200: ok(RevokeConsentResultSchema, "The consent is withdrawn and the app's sessions ended."), ...errorResponses(400, 404) },
});
