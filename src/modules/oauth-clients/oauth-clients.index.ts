import { createRouter } from "../../lib/create-router";
import * as handlers from "./oauth-clients.handlers";
import * as routes from "./oauth-clients.routes";

export const oauthClients = createRouter()
  .openapi(routes.createOAuthClient, handlers.createOAuthClientHandler)
  .openapi(routes.listOAuthClients, handlers.listOAuthClientsHandler)
  .openapi(routes.getOAuthClient, handlers.getOAuthClientHandler)
  .openapi(routes.updateOAuthClient, handlers.updateOAuthClientHandler)
  .openapi(routes.deleteOAuthClient, handlers.deleteOAuthClientHandler)
  .openapi(routes.rotateOAuthClientSecret, handlers.rotateOAuthClientSecretHandler);
