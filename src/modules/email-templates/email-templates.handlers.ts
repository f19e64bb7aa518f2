import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { insertAudit } from "../../db/audit.repo";
import {
  deleteEmailTemplate as deleteTemplateRow,
  listEmailTemplates as listTemplateRows,
  upsertEmailTemplate,
  type EmailTemplateRow,
  type TemplateName,
} from "../../db/email-templates.repo";
import { missingPlaceholders, TEMPLATE_NAMES } from "../../email/templates";
import { ApiError } from "../../errors";
import { iso } from "../../lib/clock";
import { adminAction } from "../../lib/request-meta";
import type { AppEnv } from "../../lib/types";
import { toEmailTemplate } from "./email-templates.mappers";
import type { deleteEmailTemplate, listEmailTemplates, putEmailTemplate } from "./email-templates.routes";

const audit = (c: Context<AppEnv>, type: string, projectId: string, template: TemplateName, at: string) =>
  insertAudit(c.env.DB, adminAction(c, { type, projectId, targetType: "email_template", targetId: template, at }));

export const listEmailTemplatesHandler: RouteHandler<typeof listEmailTemplates, AppEnv> = async (c) => {
  const { projectId } = c.req.valid("param");
  const { results } = await listTemplateRows(c.env.DB, projectId);
  const data = TEMPLATE_NAMES.map((name) =>
    toEmailTemplate(
      name,
      results.find((r) => r.template === name),
    ),
  );
  return c.json({ success: true as const, data }, 200);
};

export const putEmailTemplateHandler: RouteHandler<typeof putEmailTemplate, AppEnv> = async (c) => {
  const { projectId, template } = c.req.valid("param");
  const issues = missingPlaceholders(template, c.req.valid("json"));
  if (issues.length) throw new ApiError("VALIDATION_ERROR", issues.map((i) => `${i.path}: ${i.message}`).join("; "), { details: issues });
  const at = iso();
  const [saved] = await c.env.DB.batch([
    upsertEmailTemplate(c.env.DB, projectId, template, c.req.valid("json"), at),
    audit(c, "admin.email_template.update", projectId, template, at),
  ]);
  return c.json({ success: true as const, data: toEmailTemplate(template, saved!.results[0] as EmailTemplateRow) }, 200);
};

export const deleteEmailTemplateHandler: RouteHandler<typeof deleteEmailTemplate, AppEnv> = async (c) => {
  const { projectId, template } = c.req.valid("param");
  const at = iso();
  await c.env.DB.batch([deleteTemplateRow(c.env.DB, projectId, template), audit(c, "admin.email_template.reset", projectId, template, at)]);
  return c.json({ success: true as const, data: toEmailTemplate(template, undefined) }, 200);
};
