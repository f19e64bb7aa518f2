import { z } from "@hono/zod-openapi";
import { userRoute } from "../../lib/user-route";
import { DisplayNameSchema, metadataInput, NewPasswordSchema, ProfileSchema, ProjectIdParam, SessionSchema } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";

export const getMe = userRoute(
  {
    method: "get",
    path: "/api/auth/{projectId}/me",
    operationId: "getMe",
    summary: "Get the current user",
    description:
      "The profile of the user the access token belongs to. 401 `UNAUTHORIZED` without a token, `INVALID_TOKEN` for a token of another project or an ended session, `TOKEN_EXPIRED` when it expired; 403 `USER_DISABLED` or `PROJECT_DISABLED`.",
    request: { params: ProjectIdParam },
    responses: { 200: ok(ProfileSchema, "The current user."), ...errorResponses(404) },
  },
  { restricted: "allowed" },
);

export const updateMe = userRoute({
  method: "patch",
  path: "/api/auth/{projectId}/me",
  operationId: "updateMe",
  summary: "Update the current user's profile",
  description:
    "Changes only the fields given (at least one): `displayName` (`null` clears it) and `metadata`, the user's own JSON object (at most 4 KiB serialized, replaced whole; 400 `VALIDATION_ERROR` naming the field when too big or not an object). `appMetadata` is written only through the Admin API. Email changes go through verification and are not accepted here.",
  request: {
    params: ProjectIdParam,
    body: jsonBody(
      z
        .object({ displayName: DisplayNameSchema.nullable().optional(), metadata: metadataInput("metadata").optional() })
        .strict()
        .refine((body) => Object.keys(body).length > 0, { message: "Provide at least one field to change" })
        .openapi("UpdateMeRequest", { minProperties: 1, example: { displayName: "John Doe", metadata: { theme: "dark" } } }),
    ),
  },
  responses: { 200: ok(ProfileSchema, "The updated profile."), ...errorResponses(...BODY_ERRORS, 404) },
});

export const changePassword = userRoute({
  method: "post",
  path: "/api/auth/{projectId}/me/password",
  operationId: "changePassword",
  summary: "Change the current user's password",
  description:
    "Requires the current password (401 `INVALID_CREDENTIALS` when wrong; wrong ones count with failed logins, so 429 `RATE_LIMITED` with `Retry-After` follows as for login). Every other session of the user is ended and any password-reset link already mailed stops working; the session making the request stays logged in.",
  request: {
    params: ProjectIdParam,
    body: jsonBody(
      z
        .object({ currentPassword: z.string().min(1).max(1024), newPassword: NewPasswordSchema })
        .openapi("ChangePasswordRequest", { example: { currentPassword: "strongpassword123", newPassword: "an even longer passphrase" } }),
    ),
  },
  responses: {
    200: ok(z.object({ otherSessionsEnded: z.number().int() }).openapi("ChangePasswordResult"), "Password changed."),
    ...errorResponses(...BODY_ERRORS, 404, 429),
  },
});

export const listSessions = userRoute({
  method: "get",
  path: "/api/auth/{projectId}/sessions",
  operationId: "listSessions",
  summary: "List the current user's live sessions",
  description:
    "Every session (device) of the user that has not ended, most recently used first (up to 100); sessions past their absolute lifetime are not listed.",
  request: { params: ProjectIdParam },
  responses: { 200: ok(z.array(SessionSchema), "Live sessions."), ...errorResponses(404) },
});

export const deleteSession = userRoute({
  method: "delete",
  path: "/api/auth/{projectId}/sessions/{sessionId}",
  operationId: "deleteSession",
  summary: "End one of the current user's sessions",
  description: "Ends the session (its refresh token stops working, its access tokens are refused). 404 when the session is not a live session of this user.",
  request: {
    params: ProjectIdParam.extend({
      sessionId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: "sessionId", in: "path", description: "A session id from GET /sessions." }, example: "ses_4fQ9xk2LmN0pR7sT1uV3wY" }),
    }),
  },
  responses: {
    200: ok(z.object({ ended: z.literal(true) }).openapi("EndSessionResult"), "The session is ended."),
    ...errorResponses(404),
  },
});
