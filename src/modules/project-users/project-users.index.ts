import { createRouter } from "../../lib/create-router";
import {
  createProjectUserHandler,
  deleteProjectUserHandler,
  getProjectUserHandler,
  listProjectUsersHandler,
  revokeProjectUserSessionsHandler,
  updateProjectUserHandler,
} from "./project-users.handlers";
import { createProjectUser, deleteProjectUser, getProjectUser, listProjectUsers, revokeProjectUserSessions, updateProjectUser } from "./project-users.routes";

export const projectUsers = createRouter()
  .openapi(listProjectUsers, listProjectUsersHandler)
  .openapi(createProjectUser, createProjectUserHandler)
  .openapi(getProjectUser, getProjectUserHandler)
  .openapi(updateProjectUser, updateProjectUserHandler)
  .openapi(deleteProjectUser, deleteProjectUserHandler)
  .openapi(revokeProjectUserSessions, revokeProjectUserSessionsHandler);
