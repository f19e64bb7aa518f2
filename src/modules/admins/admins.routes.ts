import { z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { AdminIdParam, AdminSchema, RoleSchema } from "../../schemas/admin";
import { DisplayNameSchema, EmailSchema, NewPasswordSchema } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";

export const listAdmins = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/admins",
  operationId: "listAdmins",
  summary: "List admins",
  description: "Every admin of this deployment, oldest first.",
  responses: { 200: ok(z.array(AdminSchema), "The admins.") },
});

export const createAdmin = adminRoute("owner", {
  method: "post",
  path: "/api/admin/admins",
  operationId: "createAdmin",
  summary: "Create an admin",
  description: "Adds an operator with a role. 409 `CONFLICT` when the email is already an admin.",
  request: {
    body: jsonBody(
      z
        .object({ email: EmailSchema, password: NewPasswordSchema, displayName: DisplayNameSchema.optional(), role: RoleSchema })
        .openapi("CreateAdminRequest", { example: { email: "ops@example.com", password: "a long admin passphrase", displayName: "Ops", role: "viewer" } }),
    ),
  },
  responses: { 201: ok(AdminSchema, "The new admin."), ...errorResponses(...BODY_ERRORS, 409) },
});

export const updateAdmin = adminRoute("owner", {
  method: "patch",
  path: "/api/admin/admins/{adminId}",
  operationId: "updateAdmin",
  summary: "Change an admin's name, role or status",
  description: "Disabling an admin ends their sessions. The last enabled owner cannot be demoted or disabled (409 `CONFLICT`).",
  request: {
    params: AdminIdParam,
    body: jsonBody(
      z
        .object({ displayName: DisplayNameSchema.nullable().optional(), role: RoleSchema.optional(), disabled: z.boolean().optional() })
        .strict()
        .openapi("UpdateAdminRequest", { example: { role: "admin" } }),
    ),
  },
  responses: { 200: ok(AdminSchema, "The updated admin."), ...errorResponses(...BODY_ERRORS, 404, 409) },
});

export const deleteAdmin = adminRoute("owner", {
  method: "delete",
  path: "/api/admin/admins/{adminId}",
  operationId: "deleteAdmin",
  summary: "Delete an admin",
  description: "Removes the admin and their sessions. The last enabled owner cannot be deleted (409 `CONFLICT`).",
  request: { params: AdminIdParam },
  responses: { 200: ok(z.object({ deleted: z.literal(true) }).openapi("DeleteAdminResult"), "Deleted."), ...errorResponses(404, 409) },
});

export const clearAdminLockout = adminRoute("owner", {
  method: "delete",
  path: "/api/admin/admins/{adminId}/lockout",
  operationId: "clearAdminLockout",
  summary: "Clear an admin's failed-login lock",
  description:
    "Forgets the admin's account-wide failed logins (rule `admin_login.account`), so they can sign in again from any address at once: the way back for an admin whom strangers' wrong passwords keep locked out of addresses they never signed in from before. Per-address backoff (`admin_login.account_ip`) is left to expire (at most 15 minutes). Audited as `admin.lockout.clear`.",
  request: { params: AdminIdParam },
  responses: { 200: ok(z.object({ cleared: z.literal(true) }).openapi("ClearAdminLockoutResult"), "The lock is cleared."), ...errorResponses(404) },
});

export const resetAdminMfa = adminRoute("owner", {
  method: "delete",
  path: "/api/admin/admins/{adminId}/mfa",
  operationId: "resetAdminMfa",
  summary: "Reset an admin's second factor",
  description:
    "For an admin who lost their authenticator app and recovery codes: removes their TOTP secret, recovery codes and open login challenges, clears their failed-code count (rule `admin_mfa.account`) and ends their sessions (yours are kept when you reset yourself). They sign in with their password alone, then can enroll again. Audited as `admin.mfa.reset`.",
  request: { params: AdminIdParam },
  responses: {
    200: ok(
      z
        .object({
          hadTotp: z.boolean().openapi({ description: "Whether a TOTP factor (confirmed or pending) was removed." }),
          sessionsEnded: z.number().int(),
        })
        .openapi("ResetAdminMfaResult"),
      "The second factor is reset.",
    ),
    ...errorResponses(404),
  },
});
