import { createRouter } from "../../lib/create-router";
import { listProjectKeysHandler, rotateProjectKeyHandler } from "./keys.handlers";
import { listProjectKeys, rotateProjectKey } from "./keys.routes";
import { createProjectHandler, deleteProjectHandler, getProjectHandler, listProjectsHandler, updateProjectHandler } from "./projects.handlers";
import { createProject, deleteProject, getProject, listProjects, updateProject } from "./projects.routes";

export const projects = createRouter()
  .openapi(listProjects, listProjectsHandler)
  .openapi(createProject, createProjectHandler)
  .openapi(getProject, getProjectHandler)
  .openapi(updateProject, updateProjectHandler)
  .openapi(deleteProject, deleteProjectHandler)
  .openapi(listProjectKeys, listProjectKeysHandler)
  .openapi(rotateProjectKey, rotateProjectKeyHandler);
