import type { Router } from "../../lib/create-router";
import * as handlers from "./hosted.handlers";
import * as routes from "./hosted.routes";

/**
 * The hosted sign-in pages, on the auth router (behind its project resolution and CORS): the
 * sign-in page, the session hand-over, the consent screen and the pages' static files. The HTML
 * routes answer bad input with a page, not JSON.
 */
export function registerHosted(router: Router) {
  router
    .openapi(routes.hostedSignIn, handlers.hostedSignInHandler, handlers.htmlValidationHook)
    .openapi(routes.hostedSession, handlers.hostedSessionHandler)
    .openapi(routes.hostedConsent, handlers.hostedConsentHandler, handlers.htmlValidationHook)
    .openapi(routes.hostedConsentDecision, handlers.hostedConsentDecisionHandler, handlers.formValidationHook)
    .openapi(routes.hostedAsset, handlers.hostedAssetHandler);
}
