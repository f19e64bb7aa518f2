import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok, okList } from "../../schemas/envelope";
import { CreateProjectRequest, DeleteProjectResultSchema, ListProjectsQuery, ProjectSchema, UpdateProjectRequest } from "../../schemas/project";

const PROJECTS = "/api/admin/projects";
const PROJECT = `${PROJECTS}/{projectId}`;

export const listProjects = adminRoute("viewer", {
  method: "get",
  path: PROJECTS,
  operationId: "listProjects",
  summary: "List projects",
  description:
    "Newest first. Filter with `environment`, `enabled` and `search` (part of the id or name). Pages are keyset-paginated: pass `meta.nextCursor` as `cursor` for the next page; projects created meanwhile never shift a page, so nothing is skipped or repeated.",
  request: { query: ListProjectsQuery },
  responses: { 200: okList(ProjectSchema, "A page of projects."), ...errorResponses(400) },
});

export const createProject = adminRoute("admin", {
  method: "post",
  path: PROJECTS,
  operationId: "createProject",
  summary: "Create a project",
  description:
    "Creates an enabled project with its first ES256 signing key, so its Auth API works at once. `id` is the slug in Auth API URLs and never changes: give one, or it is derived from `name` (`New Project` → `new_project`). 409 `CONFLICT` when a project with that id exists; pick another `id`.",
  request: { body: jsonBody(CreateProjectRequest) },
  responses: { 201: ok(ProjectSchema, "The new project."), ...errorResponses(...BODY_ERRORS, 409) },
});

export const getProject = adminRoute("viewer", {
  method: "get",
  path: PROJECT,
  operationId: "getProject",
  summary: "Get a project",
  description: "The project's settings. 404 `NOT_FOUND` when there is no project with this id.",
  request: { params: ProjectIdParam },
  responses: { 200: ok(ProjectSchema, "The project."), ...errorResponses(400, 404) },
});

export const updateProject = adminRoute("admin", {
  method: "patch",
  path: PROJECT,
  operationId: "updateProject",
  summary: "Change a project's settings",
  description:
    "Changes only the fields given (at least one; unknown fields are a 400). `enabled: false` stops the project's Auth API at once: every call, including `/me` and `/refresh` with tokens already issued, answers 403 `PROJECT_DISABLED` until it is enabled again. Token lifetimes apply to tokens issued from now on; `refreshTokenTtl` must stay greater than `accessTokenTtl` (400 otherwise). List fields replace the whole list.",
  request: { params: ProjectIdParam, body: jsonBody(UpdateProjectRequest) },
  responses: { 200: ok(ProjectSchema, "The updated project."), ...errorResponses(...BODY_ERRORS, 404) },
});

export const deleteProject = adminRoute("admin", {
  method: "delete",
  path: PROJECT,
  operationId: "deleteProject",
  summary: "Delete a project",
  description:
    "Deletes the project for good, with all its users, sessions, refresh tokens and signing keys; its tokens stop working at once. The audit log keeps its entries, which hold ids only. The id can then be reused by a new project.",
  request: { params: ProjectIdParam },
  responses: { 200: ok(DeleteProjectResultSchema, "Deleted."), ...errorResponses(400, 404) },
});
