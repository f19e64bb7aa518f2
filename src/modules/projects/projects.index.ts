import { createRouter } from "../../lib/create-router";
import * as keysHandlers from "./keys.handlers";
import * as keysRoutes from "./keys.routes";
import * as handlers from "./projects.handlers";
import * as routes from "./projects.routes";
import * as statsHandlers from "./stats.handlers";
import * as statsRoutes from "./stats.routes";

export const projects = createRouter()
  .openapi(routes.listProjects, handlers.listProjectsHandler)
  .openapi(routes.createProject, handlers.createProjectHandler)
  .openapi(routes.getProject, handlers.getProjectHandler)
  .openapi(routes.updateProject, handlers.updateProjectHandler)
  .openapi(routes.deleteProject, handlers.deleteProjectHandler)
  .openapi(keysRoutes.listProjectKeys, keysHandlers.listProjectKeysHandler)
  .openapi(keysRoutes.rotateProjectKey, keysHandlers.rotateProjectKeyHandler)
  .openapi(statsRoutes.getProjectStats, statsHandlers.getProjectStatsHandler);
