import { createRoute, z } from "@hono/zod-openapi";
import { adminRoute } from "../../lib/admin-route";
import { AdminMeSchema, AdminSignInResultSchema } from "../../schemas/admin";
import { EmailSchema, NewPasswordSchema } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";

export const adminLogin = createRoute({
  method: "post",
  path: "/api/admin/login",
  operationId: "adminLogin",
  tags: ["Admin"],
  security: [],
  summary: "Log in as an admin",
  description:
    "Returns an opaque session token: send it as `X-Admin-Session` on every other Admin API request. Sessions end after 30 minutes without a request or 12 hours after login. A wrong password and an unknown email give the same 401 `INVALID_CREDENTIALS`. Attempts are counted before the password is checked (rules `admin_login.*`): over a limit, 429 `RATE_LIMITED` with `Retry-After`. An address the admin signed in from in the last 30 days is exempt from the per-account limit; an owner can clear an admin's lock (`DELETE /api/admin/admins/{adminId}/lockout`). On a database without admins, the first owner is created from the `ADMIN_EMAIL` / `ADMIN_PASSWORD` secrets at the first login.\n\nAn admin with TOTP on gets no session here but a challenge, `{ mfaRequired: true, mfaToken, methods, expiresIn }`: complete it with `POST /api/admin/login/mfa`. Tell the two answers apart by `mfaRequired`.",
  request: {
    body: jsonBody(
      z
        .object({ email: EmailSchema, password: z.string().min(1).max(1024) })
        .openapi("AdminLoginRequest", { example: { email: "admin@example.com", password: "password" } }),
    ),
  },
  responses: {
    200: ok(
      AdminSignInResultSchema,
      "Logged in (`AdminLoginResult`), or TOTP is on and the login goes on with `POST /api/admin/login/mfa` (`AdminMfaChallenge`).",
    ),
    ...errorResponses(...BODY_ERRORS, 401, 429),
  },
});

export const adminLogout = adminRoute("viewer", {
  method: "post",
  path: "/api/admin/logout",
  operationId: "adminLogout",
  summary: "End the current admin session",
  description: "Revokes the session token sent in `X-Admin-Session`.",
  responses: { 200: ok(z.object({ loggedOut: z.literal(true) }).openapi("AdminLogoutResult"), "The session is ended.") },
});

export const adminMe = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/me",
  operationId: "getAdminMe",
  summary: "Get the current admin",
  description: "The admin the session belongs to, with their role and whether TOTP guards their login (`mfa.totp`).",
  responses: { 200: ok(AdminMeSchema, "The current admin.") },
});

export const adminChangePassword = adminRoute("viewer", {
  method: "post",
  path: "/api/admin/me/password",
  operationId: "changeAdminPassword",
  summary: "Change the current admin's password",
  description:
    "Requires the current password (401 `INVALID_CREDENTIALS` when wrong; wrong ones count with failed admin logins, so 429 `RATE_LIMITED` with `Retry-After` follows as for login). Ends the admin's other sessions.",
  request: {
    body: jsonBody(z.object({ currentPassword: z.string().min(1).max(1024), newPassword: NewPasswordSchema }).openapi("AdminChangePasswordRequest")),
  },
  responses: {
    200: ok(z.object({ otherSessionsEnded: z.number().int() }).openapi("AdminChangePasswordResult"), "Password changed."),
    ...errorResponses(...BODY_ERRORS, 429),
  },
});
