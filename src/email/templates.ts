// Email templates: built-in defaults, per-project overrides (email-templates.repo), and rendering
// with {{placeholders}}. Values are HTML-escaped in the HTML part and kept on one line in the subject.
import type { FieldIssue } from "../errors";
import type { TemplateContent, TemplateName } from "../db/email-templates.repo";

export const TEMPLATE_NAMES = ["verify_email", "reset_password"] as const satisfies readonly TemplateName[];

export const PLACEHOLDERS = {
  link: "The link to open: your redirect URL with `token` and `type` added. Required in `text` and `html`; not allowed in `subject`.",
  email: "The recipient's email address.",
  projectName: "The project's name.",
  displayName:
    "The user's display name once their address is verified (links, line breaks and invisible characters removed, at most 64 characters); otherwise, or when nothing is left of it, their email address.",
  expiresIn: "How long the link works, e.g. `24 hours`.",
} as const;

export type TemplateVars = Record<keyof typeof PLACEHOLDERS, string>;

const paragraphs = (lines: string[]) => lines.map((line) => `<p style="margin:0 0 16px">${line}</p>`).join("\n");
const page = (body: string) =>
  `<!doctype html>\n<html><body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;line-height:1.5;color:#1f2328;max-width:560px;margin:0 auto;padding:24px">\n${body}\n</body></html>`;
const button = (label: string) =>
  `<p style="margin:24px 0"><a href="{{link}}" style="background:#1f6feb;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${label}</a></p>`;

export const DEFAULT_TEMPLATES: Record<TemplateName, TemplateContent> = {
  verify_email: {
    subject: "Confirm your email address for {{projectName}}",
    text: [
      "Hi {{displayName}},",
      "",
      "Please confirm that {{email}} is your email address for {{projectName}} by opening this link:",
      "",
      "{{link}}",
      "",
      "The link works once and expires in {{expiresIn}}. If you did not ask for this, you can ignore this email.",
    ].join("\n"),
    html: page(
      [
        paragraphs(["Hi {{displayName}},", "Please confirm that <strong>{{email}}</strong> is your email address for {{projectName}}."]),
        button("Confirm email address"),
        paragraphs([
          'Or copy this link into your browser: <a href="{{link}}">{{link}}</a>',
          "The link works once and expires in {{expiresIn}}. If you did not ask for this, you can ignore this email.",
        ]),
      ].join("\n"),
    ),
  },
  reset_password: {
    subject: "Reset your {{projectName}} password",
    text: [
      "Hi {{displayName}},",
      "",
      "Someone asked to reset the password of the {{projectName}} account for {{email}}. To choose a new password, open this link:",
      "",
      "{{link}}",
      "",
      "The link works once and expires in {{expiresIn}}. If you did not ask for this, ignore this email: your password stays as it is.",
    ].join("\n"),
    html: page(
      [
        paragraphs(["Hi {{displayName}},", "Someone asked to reset the password of the {{projectName}} account for <strong>{{email}}</strong>."]),
        button("Choose a new password"),
        paragraphs([
          'Or copy this link into your browser: <a href="{{link}}">{{link}}</a>',
          "The link works once and expires in {{expiresIn}}. If you did not ask for this, ignore this email: your password stays as it is.",
        ]),
      ].join("\n"),
    ),
  },
};

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
const oneLine = (value: string) => value.replace(/[\r\n]+/g, " ");

function fill(template: string, vars: TemplateVars, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(vars, name) ? encode(vars[name as keyof TemplateVars]) : whole));
}

export function renderTemplate(t: TemplateContent, vars: TemplateVars): TemplateContent {
  return { subject: oneLine(fill(t.subject, vars, oneLine)), text: fill(t.text, vars, (v) => v), html: fill(t.html, vars, escapeHtml) };
}

const namesIn = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

/** What is wrong with a template an admin submits: unknown placeholders, a missing or misplaced {{link}}. */
export function templateProblems(t: TemplateContent): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const known = Object.keys(PLACEHOLDERS);
  for (const field of ["subject", "text", "html"] as const) {
    const unknown = [...new Set(namesIn(t[field]).filter((name) => !known.includes(name)))];
    if (unknown.length)
      issues.push({
        path: field,
        message: `unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(", ")}; available: ${known.map((n) => `{{${n}}}`).join(", ")}`,
      });
  }
  for (const field of ["text", "html"] as const) {
    if (!namesIn(t[field]).includes("link")) issues.push({ path: field, message: "must contain the {{link}} placeholder" });
  }
  if (namesIn(t.subject).includes("link"))
    issues.push({ path: "subject", message: "must not contain {{link}} (subjects are shown in lists and notifications)" });
  return issues;
}
