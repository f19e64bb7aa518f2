import { z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { ConnectedAppSchema, RevokeConsentResultSchema, UserConsentParam } from "../../schemas/consents";
import { BODY_ERRORS, errorResponses, jsonBody, ok, okList } from "../../schemas/envelope";
import { ResetFactorsResultSchema, UserFactorsSchema } from "../../schemas/mfa";
import {
  AdminUserSessionSchema,
  CreateProjectUserRequest,
  DeleteProjectUserResultSchema,
  EndUserSessionResultSchema,
  ListProjectUsersQuery,
  ProjectUserSchema,
  RevokeSessionsResultSchema,
  UpdateProjectUserRequest,
  UserIdentitySchema,
  UserIdParam,
  UserSessionIdParam,
} from "../../schemas/project-user";

const USERS = "/api/admin/projects/{projectId}/users";
const USER = `${USERS}/{userId}`;

export const listProjectUsers = adminRoute("viewer", {
  method: "get",
  path: USERS,
  operationId: "listProjectUsers",
  summary: "List a project's users",
  description:
    "Newest first. Filter with `search` (part of the email or display name) and `status`. Pages are keyset-paginated: pass `meta.nextCursor` as `cursor` for the next page; users created meanwhile never shift a page, so nothing is skipped or repeated. 404 `NOT_FOUND` when the project does not exist.",
  request: { params: ProjectIdParam, query: ListProjectUsersQuery },
  responses: { 200: okList(ProjectUserSchema, "A page of users."), ...errorResponses(400, 404) },
});

export const createProjectUser = adminRoute("admin", {
  method: "post",
  path: USERS,
  operationId: "createProjectUser",
  summary: "Create a user in a project",
  description:
    "Creates a user with a password, or without one to invite them (`hasPassword` false: they cannot log in until a password is set). 409 `EMAIL_TAKEN` when the project already has a user with this email; 404 `NOT_FOUND` when the project does not exist.",
  request: { params: ProjectIdParam, body: jsonBody(CreateProjectUserRequest) },
  responses: { 201: ok(ProjectUserSchema, "The new user."), ...errorResponses(...BODY_ERRORS, 404, 409) },
});

export const getProjectUser = adminRoute("viewer", {
  method: "get",
  path: USER,
  operationId: "getProjectUser",
  summary: "Get a project's user",
  description: "404 `NOT_FOUND` when the project does not exist or has no user with this id.",
  request: { params: UserIdParam },
  responses: { 200: ok(ProjectUserSchema, "The user."), ...errorResponses(400, 404) },
});

export const updateProjectUser = adminRoute("admin", {
  method: "patch",
  path: USER,
  operationId: "updateProjectUser",
  summary: "Change a project's user",
  description:
    "Changes only the fields given (at least one). A new `email` resets `emailVerified` unless it is given too; 409 `EMAIL_TAKEN` when another user of the project has it. Setting `disabled: true` or a `password` ends all of the user's sessions at once: their access tokens and refresh tokens stop working. Setting a `password` also spends the user's outstanding password-reset links.",
  request: { params: UserIdParam, body: jsonBody(UpdateProjectUserRequest) },
  responses: { 200: ok(ProjectUserSchema, "The updated user."), ...errorResponses(...BODY_ERRORS, 404, 409) },
});

export const deleteProjectUser = adminRoute("admin", {
  method: "delete",
  path: USER,
  operationId: "deleteProjectUser",
  summary: "Delete a project's user",
  description: "Deletes the user for good, with their sessions and refresh tokens. The audit log keeps only the user's id.",
  request: { params: UserIdParam },
  responses: { 200: ok(DeleteProjectUserResultSchema, "Deleted."), ...errorResponses(400, 404) },
});

export const revokeProjectUserSessions = adminRoute("admin", {
  method: "post",
  path: `${USER}/revoke-sessions`,
  operationId: "revokeProjectUserSessions",
  summary: "End all of a user's sessions",
  description: "Signs the user out everywhere: their refresh tokens and the access tokens of those sessions stop working. The user can log in again.",
  request: { params: UserIdParam },
  responses: { 200: ok(RevokeSessionsResultSchema, "The sessions are ended."), ...errorResponses(400, 404) },
});

export const listProjectUserFactors = adminRoute("viewer", {
  method: "get",
  path: `${USER}/factors`,
  operationId: "listProjectUserFactors",
  summary: "See a user's second factors",
  description:
    "Whether TOTP is on (and since when), how many unused recovery codes are left, and the user's passkeys. Never any secret. 404 `NOT_FOUND` when the project does not exist or has no user with this id.",
  request: { params: UserIdParam },
  responses: { 200: ok(UserFactorsSchema, "The user's second factors."), ...errorResponses(400, 404) },
});

export const resetProjectUserFactors = adminRoute("admin", {
  method: "delete",
  path: `${USER}/factors`,
  operationId: "resetProjectUserFactors",
  summary: "Reset a user's second factors",
  description:
    'For a user who lost their authenticator: turns TOTP off, deletes the recovery codes and passkeys, voids open sign-in challenges and ends all of the user\'s sessions. The user signs in with the first factor alone next time (and must enroll again under `mfa: "required"`). Audited as `admin.user.factors_reset`.',
  request: { params: UserIdParam },
  responses: { 200: ok(ResetFactorsResultSchema, "The factors are reset and the sessions ended."), ...errorResponses(400, 404) },
});

export const listProjectUserSessions = adminRoute("viewer", {
  method: "get",
  path: `${USER}/sessions`,
  operationId: "listProjectUserSessions",
  summary: "List a user's live sessions",
  description:
    "The user's sessions that are neither revoked nor expired, most recently used first (at most 100): where and how each was signed in (`amr`) and when it ends. No token is ever shown. 404 `NOT_FOUND` when the project does not exist or has no user with this id.",
  request: { params: UserIdParam },
  responses: { 200: ok(z.array(AdminUserSessionSchema), "The live sessions."), ...errorResponses(400, 404) },
});

export const endProjectUserSession = adminRoute("admin", {
  method: "delete",
  path: `${USER}/sessions/{sessionId}`,
  operationId: "endProjectUserSession",
  summary: "End one of a user's sessions",
  description:
    "Signs the user out on one device: the session's refresh token and access tokens stop working; the user's other sessions go on. Audited as `admin.user.session.end`; webhook event `session.revoked`. 404 `NOT_FOUND` when the user or a live session of theirs with this id does not exist.",
  request: { params: UserSessionIdParam },
  responses: { 200: ok(EndUserSessionResultSchema, "The session is ended."), ...errorResponses(400, 404) },
});

export const listProjectUserIdentities = adminRoute("viewer", {
  method: "get",
  path: `${USER}/identities`,
  operationId: "listProjectUserIdentities",
  summary: "List a user's linked social identities",
  description:
    "The provider accounts (issuer and subject) linked to the user by social sign-in, oldest link first. 404 `NOT_FOUND` when the project does not exist or has no user with this id.",
  request: { params: UserIdParam },
  responses: { 200: ok(z.array(UserIdentitySchema), "The linked identities."), ...errorResponses(400, 404) },
});

export const listProjectUserConsents = adminRoute("viewer", {
  method: "get",
  path: `${USER}/consents`,
  operationId: "listProjectUserConsents",
  summary: "List a user's connected apps",
  description:
    "The third-party apps (OAuth clients that are not `firstParty`) the user allowed on the consent screen, newest first, with the scopes granted. 404 `NOT_FOUND` when the project does not exist or has no user with this id.",
  request: { params: UserIdParam },
  responses: { 200: ok(z.array(ConnectedAppSchema), "The user's connected apps (possibly none)."), ...errorResponses(400, 404) },
});

export const revokeProjectUserConsent = adminRoute("admin", {
  method: "delete",
  path: `${USER}/consents/{clientId}`,
  operationId: "revokeProjectUserConsent",
  summary: "Revoke one of a user's connected apps",
  description:
    "Withdraws the user's consent to the app, as the user can on `DELETE /api/auth/{projectId}/me/consents/{clientId}`: the user's sessions issued to the app end (webhook event `session.revoked` for each), a code it was just given can no longer be exchanged, and its next sign-in request shows the consent screen again. The user's other sessions and apps go on; the app stays registered for other users (delete the OAuth client to cut it off for everyone). Audited as `admin.consent.revoke`. 404 `NOT_FOUND` when the user does not exist or has no consent for this client.",
  request: { params: UserConsentParam },
  responses: { 200: ok(RevokeConsentResultSchema, "The consent is withdrawn and the app's sessions ended."), ...errorResponses(400, 404) },
});
