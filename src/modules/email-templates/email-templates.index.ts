import { createRouter } from "../../lib/create-router";
import { deleteEmailTemplateHandler, listEmailTemplatesHandler, putEmailTemplateHandler } from "./email-templates.handlers";
import { deleteEmailTemplate, listEmailTemplates, putEmailTemplate } from "./email-templates.routes";

export const emailTemplates = createRouter()
  .openapi(listEmailTemplates, listEmailTemplatesHandler)
  .openapi(putEmailTemplate, putEmailTemplateHandler)
  .openapi(deleteEmailTemplate, deleteEmailTemplateHandler);
