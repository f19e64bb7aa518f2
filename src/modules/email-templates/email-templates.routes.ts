import { z } from "@hono/zod-openapi";
import { PLACEHOLDERS } from "../../email/templates";
import { adminRoute } from "../../lib/admin-route";
import { ProjectIdParam } from "../../schemas/auth";
import { EmailTemplateParam, EmailTemplateSchema, UpdateEmailTemplateRequest } from "../../schemas/email";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";

const PLACEHOLDER_DOCS = Object.entries(PLACEHOLDERS)
  .map(([name, description]) => `- \`{{${name}}}\`: ${description}`)
  .join("\n");

export const listEmailTemplates = adminRoute("viewer", {
  method: "get",
  path: "/api/admin/projects/{projectId}/email-templates",
  operationId: "listEmailTemplates",
  summary: "List a project's email templates",
  description: `The template in effect for each email the project sends (\`verify_email\`, \`reset_password\`, \`passwordless\`): the project's own when customised (\`customized: true\`), else the built-in default. Placeholders:\n\n${PLACEHOLDER_DOCS}\n\n400 \`VALIDATION_ERROR\` for a malformed project id; 404 \`NOT_FOUND\` when the project does not exist.`,
  request: { params: ProjectIdParam },
  responses: { 200: ok(z.array(EmailTemplateSchema), "The templates in effect."), ...errorResponses(400, 404) },
});

export const putEmailTemplate = adminRoute("admin", {
  method: "put",
  path: "/api/admin/projects/{projectId}/email-templates/{template}",
  operationId: "putEmailTemplate",
  summary: "Customise an email template",
  description: `Replaces the project's \`subject\`, \`text\` and \`html\` for this email; the next email uses it. Placeholders:\n\n${PLACEHOLDER_DOCS}\n\nValues are HTML-escaped in \`html\`. 400 \`VALIDATION_ERROR\` naming the field when \`text\` or \`html\` lacks \`{{link}}\` (\`{{code}}\` for \`passwordless\`), holds \`{{code}}\` in another template, the subject contains either or spans lines, or a placeholder is unknown. 404 \`NOT_FOUND\` when the project does not exist.`,
  request: { params: EmailTemplateParam, body: jsonBody(UpdateEmailTemplateRequest) },
  responses: { 200: ok(EmailTemplateSchema, "The template now in effect."), ...errorResponses(...BODY_ERRORS, 404) },
});

export const deleteEmailTemplate = adminRoute("admin", {
  method: "delete",
  path: "/api/admin/projects/{projectId}/email-templates/{template}",
  operationId: "resetEmailTemplate",
  summary: "Reset an email template to the default",
  description:
    "Drops the project's customisation; the built-in default applies again and is returned. Idempotent: resetting a template that is not customised also answers 200. 400 `VALIDATION_ERROR` for a template name other than `verify_email`, `reset_password` or `passwordless`; 404 `NOT_FOUND` when the project does not exist. Takes no body (413 if one over the size cap is sent anyway).",
  request: { params: EmailTemplateParam },
  responses: { 200: ok(EmailTemplateSchema, "The default, now in effect."), ...errorResponses(400, 404, 413) },
});
