import { createRouter } from "../../lib/create-router";
import { bearerAuth } from "../../middleware/bearer-auth";
import { projectCors } from "../../middleware/cors";
import { resolveProject } from "../../middleware/project";
import { loginHandler, logoutHandler, refreshHandler, registerHandler } from "./credentials.handlers";
import { login, logout, refresh, register } from "./credentials.routes";
import { changePasswordHandler, deleteSessionHandler, getMeHandler, listSessionsHandler, updateMeHandler } from "./me.handlers";
import { changePassword, deleteSession, getMe, listSessions, updateMe } from "./me.routes";
import { jwksHandler, openIdConfigurationHandler } from "./well-known.handlers";
import { getJwks, getOpenIdConfiguration } from "./well-known.routes";

export const auth = createRouter();

auth.use("/api/auth/:projectId/*", resolveProject(), projectCors());
for (const path of ["/me", "/me/*", "/sessions", "/sessions/*"]) auth.use(`/api/auth/:projectId${path}`, bearerAuth());

auth
  .openapi(register, registerHandler)
  .openapi(login, loginHandler)
  .openapi(refresh, refreshHandler)
  .openapi(logout, logoutHandler)
  .openapi(getMe, getMeHandler)
  .openapi(updateMe, updateMeHandler)
  .openapi(changePassword, changePasswordHandler)
  .openapi(listSessions, listSessionsHandler)
  .openapi(deleteSession, deleteSessionHandler)
  .openapi(getJwks, jwksHandler)
  .openapi(getOpenIdConfiguration, openIdConfigurationHandler);
