import { createRouter } from "../../lib/create-router";
import { adminChangePasswordHandler, adminLoginHandler, adminLogoutHandler, adminMeHandler } from "./admin.handlers";
import { adminChangePassword, adminLogin, adminLogout, adminMe } from "./admin.routes";

export const admin = createRouter()
  .openapi(adminLogin, adminLoginHandler)
  .openapi(adminLogout, adminLogoutHandler)
  .openapi(adminMe, adminMeHandler)
  .openapi(adminChangePassword, adminChangePasswordHandler);
