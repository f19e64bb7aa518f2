import { createRouter } from "../../lib/create-router";
import * as handlers from "./email-templates.handlers";
import * as routes from "./email-templates.routes";

export const emailTemplates = createRouter()
  .openapi(routes.listEmailTemplates, handlers.listEmailTemplatesHandler)
  .openapi(routes.putEmailTemplate, handlers.putEmailTemplateHandler)
  .openapi(routes.deleteEmailTemplate, handlers.deleteEmailTemplateHandler);
