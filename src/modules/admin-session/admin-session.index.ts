import { createRouter } from "../../lib/create-router";
import * as mfaHandlers from "./admin-mfa.handlers";
import * as mfaRoutes from "./admin-mfa.routes";
import * as handlers from "./admin-session.handlers";
import * as routes from "./admin-session.routes";

export const adminSession = createRouter()
  .openapi(routes.adminLogin, handlers.adminLoginHandler)
  .openapi(routes.adminLogout, handlers.adminLogoutHandler)
  .openapi(routes.adminMe, handlers.adminMeHandler)
  .openapi(routes.adminChangePassword, handlers.adminChangePasswordHandler)
  .openapi(mfaRoutes.adminLoginMfa, mfaHandlers.adminLoginMfaHandler)
  .openapi(mfaRoutes.enrollAdminTotp, mfaHandlers.enrollAdminTotpHandler)
  .openapi(mfaRoutes.confirmAdminTotp, mfaHandlers.confirmAdminTotpHandler)
  .openapi(mfaRoutes.disableAdminTotp, mfaHandlers.disableAdminTotpHandler);
