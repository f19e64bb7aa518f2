import { createRouter } from "../../lib/create-router";
import { projectCors } from "../../middleware/cors";
import { resolveProject } from "../../middleware/project";
import { registerHosted } from "../hosted/hosted.index";
import * as consentHandlers from "./consents.handlers";
import * as consentRoutes from "./consents.routes";
import * as credentialsHandlers from "./credentials.handlers";
import * as credentialsRoutes from "./credentials.routes";
import * as emailHandlers from "./email.handlers";
import * as emailRoutes from "./email.routes";
import * as mfaHandlers from "./mfa.handlers";
import * as mfaRoutes from "./mfa.routes";
import * as meHandlers from "./me.handlers";
import * as meRoutes from "./me.routes";
import * as oauthHandlers from "./oauth.handlers";
import * as oauthRoutes from "./oauth.routes";
import * as passwordless from "./passwordless.handlers";
import * as passwordlessRoutes from "./passwordless.routes";
import * as passkeyHandlers from "./passkeys.handlers";
import * as passkeyRoutes from "./passkeys.routes";
import * as wellKnownHandlers from "./well-known.handlers";
import * as wellKnownRoutes from "./well-known.routes";

export const auth = createRouter();

auth.use("/api/auth/:projectId/*", resolveProject(), projectCors());

auth
  .openapi(credentialsRoutes.register, credentialsHandlers.registerHandler)
  .openapi(credentialsRoutes.login, credentialsHandlers.loginHandler)
  .openapi(credentialsRoutes.refresh, credentialsHandlers.refreshHandler)
  .openapi(credentialsRoutes.logout, credentialsHandlers.logoutHandler)
  .openapi(meRoutes.getMe, meHandlers.getMeHandler)
  .openapi(meRoutes.updateMe, meHandlers.updateMeHandler)
  .openapi(meRoutes.changePassword, meHandlers.changePasswordHandler)
  .openapi(meRoutes.listSessions, meHandlers.listSessionsHandler)
  .openapi(meRoutes.deleteSession, meHandlers.deleteSessionHandler)
  .openapi(consentRoutes.listMyConsents, consentHandlers.listMyConsentsHandler)
  .openapi(consentRoutes.revokeMyConsent, consentHandlers.revokeMyConsentHandler)
  .openapi(emailRoutes.sendVerificationEmail, emailHandlers.sendVerificationEmailHandler)
  .openapi(emailRoutes.confirmEmail, emailHandlers.confirmEmailHandler)
  .openapi(emailRoutes.forgotPassword, emailHandlers.forgotPasswordHandler)
  .openapi(emailRoutes.resetPassword, emailHandlers.resetPasswordHandler)
  .openapi(wellKnownRoutes.getJwks, wellKnownHandlers.jwksHandler)
  .openapi(wellKnownRoutes.getOpenIdConfiguration, wellKnownHandlers.openIdConfigurationHandler)
  .openapi(oauthRoutes.oauthAuthorize, oauthHandlers.oauthAuthorizeHandler)
  .openapi(oauthRoutes.oauthCallback, oauthHandlers.oauthCallbackHandler)
  .openapi(oauthRoutes.oauthToken, oauthHandlers.oauthTokenHandler)
  .openapi(mfaRoutes.enrollTotp, mfaHandlers.enrollTotpHandler)
  .openapi(mfaRoutes.confirmTotp, mfaHandlers.confirmTotpHandler)
  .openapi(mfaRoutes.disableTotp, mfaHandlers.disableTotpHandler)
  .openapi(mfaRoutes.regenerateRecoveryCodes, mfaHandlers.regenerateRecoveryCodesHandler)
  .openapi(mfaRoutes.verifyMfa, mfaHandlers.verifyMfaHandler)
  .openapi(passwordlessRoutes.passwordlessStart, passwordless.passwordlessStartHandler)
  .openapi(passwordlessRoutes.passwordlessVerify, passwordless.passwordlessVerifyHandler)
  .openapi(passkeyRoutes.passkeyRegisterOptions, passkeyHandlers.passkeyRegisterOptionsHandler)
  .openapi(passkeyRoutes.passkeyRegisterVerify, passkeyHandlers.passkeyRegisterVerifyHandler)
  .openapi(passkeyRoutes.passkeyLoginOptions, passkeyHandlers.passkeyLoginOptionsHandler)
  .openapi(passkeyRoutes.passkeyLoginVerify, passkeyHandlers.passkeyLoginVerifyHandler)
  .openapi(passkeyRoutes.listPasskeys, passkeyHandlers.listPasskeysHandler)
  .openapi(passkeyRoutes.renamePasskey, passkeyHandlers.renamePasskeyHandler)
  .openapi(passkeyRoutes.deletePasskey, passkeyHandlers.deletePasskeyHandler);

registerHosted(auth);
