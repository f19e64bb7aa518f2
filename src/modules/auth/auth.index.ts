import { createRouter } from "../../lib/create-router";
import { projectCors } from "../../middleware/cors";
import { resolveProject } from "../../middleware/project";
import { loginHandler, logoutHandler, refreshHandler, registerHandler } from "./credentials.handlers";
import { login, logout, refresh, register } from "./credentials.routes";
import { confirmEmailHandler, forgotPasswordHandler, resetPasswordHandler, sendVerificationEmailHandler } from "./email.handlers";
import { confirmEmail, forgotPassword, resetPassword, sendVerificationEmail } from "./email.routes";
import { oauthAuthorizeHandler, oauthCallbackHandler, oauthTokenHandler } from "./oauth.handlers";
import { oauthAuthorize, oauthCallback, oauthToken } from "./oauth.routes";
import { changePasswordHandler, deleteSessionHandler, getMeHandler, listSessionsHandler, updateMeHandler } from "./me.handlers";
import { changePassword, deleteSession, getMe, listSessions, updateMe } from "./me.routes";
import { jwksHandler, openIdConfigurationHandler } from "./well-known.handlers";
import { getJwks, getOpenIdConfiguration } from "./well-known.routes";

export const auth = createRouter();

auth.use("/api/auth/:projectId/*", resolveProject(), projectCors());

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
  .openapi(sendVerificationEmail, sendVerificationEmailHandler)
  .openapi(confirmEmail, confirmEmailHandler)
  .openapi(forgotPassword, forgotPasswordHandler)
  .openapi(resetPassword, resetPasswordHandler)
  .openapi(getJwks, jwksHandler)
  .openapi(getOpenIdConfiguration, openIdConfigurationHandler)
  .openapi(oauthAuthorize, oauthAuthorizeHandler)
  .openapi(oauthCallback, oauthCallbackHandler)
  .openapi(oauthToken, oauthTokenHandler);
