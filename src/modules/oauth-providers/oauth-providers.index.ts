import { createRouter } from "../../lib/create-router";
import { deleteOAuthProviderHandler, getOAuthProviderHandler, listOAuthProvidersHandler, putOAuthProviderHandler } from "./oauth-providers.handlers";
import { deleteOAuthProvider, getOAuthProvider, listOAuthProviders, putOAuthProvider } from "./oauth-providers.routes";

export const oauthProviders = createRouter()
  .openapi(listOAuthProviders, listOAuthProvidersHandler)
  .openapi(getOAuthProvider, getOAuthProviderHandler)
  .openapi(putOAuthProvider, putOAuthProviderHandler)
  .openapi(deleteOAuthProvider, deleteOAuthProviderHandler);
