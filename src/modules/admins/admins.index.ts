import { createRouter } from "../../lib/create-router";
import { clearAdminLockoutHandler, createAdminHandler, deleteAdminHandler, listAdminsHandler, updateAdminHandler } from "./admins.handlers";
import { clearAdminLockoutRoute, createAdminRoute, deleteAdminRoute, listAdminsRoute, updateAdminRoute } from "./admins.routes";

export const admins = createRouter()
  .openapi(listAdminsRoute, listAdminsHandler)
  .openapi(createAdminRoute, createAdminHandler)
  .openapi(updateAdminRoute, updateAdminHandler)
  .openapi(deleteAdminRoute, deleteAdminHandler)
  .openapi(clearAdminLockoutRoute, clearAdminLockoutHandler);
