import { createRouter } from "../../lib/create-router";
import * as handlers from "./oauth-providers.handlers";
import * as routes from "./oauth-providers.routes";

export const oauthProviders = createRouter()
  .openapi(routes.listOAuthProviders, handlers.listOAuthProvidersHandler)
  .openapi(routes.getOAuthProvider, handlers.getOAuthProviderHandler)
  .openapi(routes.putOAuthProvider, handlers.putOAuthProviderHandler)
  .openapi(routes.deleteOAuthProvider, handlers.deleteOAuthProviderHandler);
