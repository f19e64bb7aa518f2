import { createRouter } from "../../lib/create-router";
import * as handlers from "./project-users.handlers";
import * as routes from "./project-users.routes";

export const projectUsers = createRouter()
  .openapi(routes.listProjectUsers, handlers.listProjectUsersHandler)
  .openapi(routes.createProjectUser, handlers.createProjectUserHandler)
  .openapi(routes.getProjectUser, handlers.getProjectUserHandler)
  .openapi(routes.updateProjectUser, handlers.updateProjectUserHandler)
  .openapi(routes.deleteProjectUser, handlers.deleteProjectUserHandler)
  .openapi(routes.revokeProjectUserSessions, handlers.revokeProjectUserSessionsHandler)
  .openapi(routes.listProjectUserFactors, handlers.listProjectUserFactorsHandler)
  .openapi(routes.resetProjectUserFactors, handlers.resetProjectUserFactorsHandler);
