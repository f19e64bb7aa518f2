import { createRouter } from "../../lib/create-router";
import { adminChangePasswordHandler, adminLoginHandler, adminLogoutHandler, adminMeHandler } from "./admin-session.handlers";
import { adminChangePassword, adminLogin, adminLogout, adminMe } from "./admin-session.routes";

export const adminSession = createRouter()
  .openapi(adminLogin, adminLoginHandler)
  .openapi(adminLogout, adminLogoutHandler)
  .openapi(adminMe, adminMeHandler)
  .openapi(adminChangePassword, adminChangePasswordHandler);
