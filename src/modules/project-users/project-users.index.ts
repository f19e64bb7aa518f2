import { createRouter } from "../../lib/create-router";
import * as handlers from "./project-users.handlers";
import * as routes from "./project-users.routes";
import * as transferHandlers from "./users-transfer.handlers";
import * as transfer from "./users-transfer.routes";

// The transfer routes come first: their literal segments (import, export) must win over {userId}.
export const projectUsers = createRouter()
  .openapi(transfer.importUsers, transferHandlers.importUsersHandler)
  .openapi(transfer.exportUsers, transferHandlers.exportUsersHandler)
  .openapi(routes.listProjectUsers, handlers.listProjectUsersHandler)
  .openapi(routes.createProjectUser, handlers.createProjectUserHandler)
  .openapi(routes.getProjectUser, handlers.getProjectUserHandler)
  .openapi(routes.updateProjectUser, handlers.updateProjectUserHandler)
  .openapi(routes.deleteProjectUser, handlers.deleteProjectUserHandler)
  .openapi(routes.revokeProjectUserSessions, handlers.revokeProjectUserSessionsHandler)
  .openapi(routes.listProjectUserFactors, handlers.listProjectUserFactorsHandler)
  .openapi(routes.resetProjectUserFactors, handlers.resetProjectUserFactorsHandler)
  .openapi(routes.listProjectUserSessions, handlers.listProjectUserSessionsHandler)
  .openapi(routes.endProjectUserSession, handlers.endProjectUserSessionHandler)
  .openapi(routes.listProjectUserIdentities, handlers.listProjectUserIdentitiesHandler)
  .openapi(routes.listProjectUserConsents, handlers.listProjectUserConsentsHandler)
  .openapi(routes.revokeProjectUserConsent, handlers.revokeProjectUserConsentHandler);
// The import body is parsed row by row (a bad row is that row's error), so its schemas are registered here, not validated by the route.
projectUsers.openAPIRegistry.register("UserImportRow", transfer.ImportUserRow);
projectUsers.openAPIRegistry.register("ExportedUser", transfer.ExportedUserSchema);
