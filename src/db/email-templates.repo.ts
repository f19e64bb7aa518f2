// A project's customised email templates; templates without a row use the built-in defaults.
export type TemplateName = "verify_email" | "reset_password" | "passwordless";

export interface EmailTemplateRow {
  project_id: string;
  template: TemplateName;
  subject: string;
  text_body: string;
  html_body: string;
  updated_at: string;
}

export function getEmailTemplate(db: D1Database, projectId: string, template: TemplateName): Promise<EmailTemplateRow | null> {
  return db.prepare(`SELECT * FROM email_templates WHERE project_id = ? AND template = ?`).bind(projectId, template).first<EmailTemplateRow>();
}

export function listEmailTemplates(db: D1Database, projectId: string): Promise<D1Result<EmailTemplateRow>> {
  return db.prepare(`SELECT * FROM email_templates WHERE project_id = ?`).bind(projectId).all<EmailTemplateRow>();
}

export interface TemplateContent {
  subject: string;
  text: string;
  html: string;
}

export function upsertEmailTemplate(db: D1Database, projectId: string, template: TemplateName, t: TemplateContent, at: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO email_templates (project_id, template, subject, text_body, html_body, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, template) DO UPDATE SET subject = excluded.subject, text_body = excluded.text_body,
         html_body = excluded.html_body, updated_at = excluded.updated_at
       RETURNING *`,
    )
    .bind(projectId, template, t.subject, t.text, t.html, at);
}

/** Removes the customisation; the default applies again. */
export function deleteEmailTemplate(db: D1Database, projectId: string, template: TemplateName): D1PreparedStatement {
  return db.prepare(`DELETE FROM email_templates WHERE project_id = ? AND template = ?`).bind(projectId, template);
}
