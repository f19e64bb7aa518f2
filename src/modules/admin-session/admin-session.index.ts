import { createRouter } from "../../lib/create-router";
import * as handlers from "./admin-session.handlers";
import * as routes from "./admin-session.routes";

export const adminSession = createRouter()
  .openapi(routes.adminLogin, handlers.adminLoginHandler)
  .openapi(routes.adminLogout, handlers.adminLogoutHandler)
  .openapi(routes.adminMe, handlers.adminMeHandler)
  .openapi(routes.adminChangePassword, handlers.adminChangePasswordHandler);
