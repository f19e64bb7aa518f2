import { createRouter } from "../../lib/create-router";
import * as authorizeHandlers from "./authorize.handlers";
import * as routes from "./oidc.routes";
import * as tokenHandlers from "./token.handlers";

// Mounted after the auth router, whose `/api/auth/:projectId/*` middleware (project, CORS) covers these paths.
export const oidc = createRouter();

oidc
  .openapi(routes.authorize, authorizeHandlers.authorizeHandler)
  .openapi(routes.authorizePost, authorizeHandlers.authorizePostHandler)
  .openapi(routes.token, tokenHandlers.tokenHandler)
  .openapi(routes.userInfo, tokenHandlers.userInfoHandler)
  .openapi(routes.userInfoPost, tokenHandlers.userInfoPostHandler)
  .openapi(routes.revoke, tokenHandlers.revokeHandler)
  .openapi(routes.introspect, tokenHandlers.introspectHandler)
  .openapi(routes.logout, authorizeHandlers.logoutHandler)
  .openapi(routes.logoutPost, authorizeHandlers.logoutPostHandler);
