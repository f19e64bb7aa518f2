import type { EmailTemplateRow, TemplateName } from "../../db/email-templates.repo";
import { DEFAULT_TEMPLATES } from "../../email/templates";

/** The API shape of a template: the project's row when customised, else the default. */
export const toEmailTemplate = (template: TemplateName, row: EmailTemplateRow | undefined) =>
  row
    ? { template, subject: row.subject, text: row.text_body, html: row.html_body, customized: true, updatedAt: row.updated_at }
    : { template, ...DEFAULT_TEMPLATES[template], customized: false, updatedAt: null };
