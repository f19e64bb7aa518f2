import { createRouter } from "../../lib/create-router";
import * as handlers from "./admins.handlers";
import * as routes from "./admins.routes";

export const admins = createRouter()
  .openapi(routes.listAdmins, handlers.listAdminsHandler)
  .openapi(routes.createAdmin, handlers.createAdminHandler)
  .openapi(routes.updateAdmin, handlers.updateAdminHandler)
  .openapi(routes.deleteAdmin, handlers.deleteAdminHandler)
  .openapi(routes.clearAdminLockout, handlers.clearAdminLockoutHandler)
  .openapi(routes.resetAdminMfa, handlers.resetAdminMfaHandler);
