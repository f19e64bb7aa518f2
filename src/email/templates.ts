// Email templates: built-in defaults, per-project overrides (email-templates.repo), and rendering
// with {{placeholders}}. Values are HTML-escaped in the HTML part and kept on one line in the subject.
import type { FieldIssue } from "../errors";
import type { TemplateContent, TemplateName } from "../db/email-templates.repo";

export const TEMPLATE_NAMES = ["verify_email", "reset_password", "passwordless"] as const satisfies readonly TemplateName[];

export const PLACEHOLDERS = {
  link: "The link to open: your redirect URL with `token` and `type` added. Required in `text` and `html` (optional in `passwordless`, whose lines holding it are left out when the email has no link); not allowed in `subject`.",
  code: "`passwordless` only, and required in its `text` and `html`: the 6-digit sign-in code. Not allowed in `subject` or in other templates.",
  email: "The recipient's email address.",
  projectName: "The project's name.",
  displayName:
    "The user's display name once their address is verified (links, line breaks and invisible characters removed, at most 64 characters); otherwise, or when nothing is left of it, their email address.",
  expiresIn: "How long the link (or code) works, e.g. `24 hours`.",
} as const;

export type TemplateVars = Record<keyof typeof PLACEHOLDERS, string>;

const paragraphs = (lines: string[]) => lines.map((line) => `<p style="margin:0 0 16px">${line}</p>`).join("\n");
const page = (body: string) =>
  `<!doctype html>\n<html><body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;line-height:1.5;color:#1f2328;max-width:560px;margin:0 auto;padding:24px">\n${body}\n</body></html>`;
const button = (label: string) =>
  `<p style="margin:24px 0"><a href="{{link}}" style="background:#1f6feb;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${label}</a></p>`;

/** In the passwordless template, each line holding {{link}} is one that can go: the email may carry only the code. */
const PASSWORDLESS: TemplateContent = {
  subject: "Your {{projectName}} sign-in code",
  text: [
    "Hi {{displayName}},",
    "",
    "Your code to sign in to {{projectName}} as {{email}} is:",
    "",
    "{{code}}",
    "",
    "Or sign in by opening this link: {{link}}",
    "",
    "The code works once and expires in {{expiresIn}}. If you did not ask for it, you can ignore this email.",
  ].join("\n"),
  html: page(
    [
      paragraphs(["Hi {{displayName}},", "Your code to sign in to {{projectName}} as <strong>{{email}}</strong> is:"]),
      '<p style="margin:24px 0;font-size:28px;letter-spacing:6px;font-weight:600">{{code}}</p>',
      button("Sign in"),
      '<p style="margin:0 0 16px">Or copy this link into your browser: <a href="{{link}}">{{link}}</a></p>',
      paragraphs(["The code works once and expires in {{expiresIn}}. If you did not ask for it, you can ignore this email."]),
    ].join("\n"),
  ),
};

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
  passwordless: PASSWORDLESS,
};

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
const oneLine = (value: string) => value.replace(/[\r\n]+/g, " ");

function fill(template: string, vars: TemplateVars, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(vars, name) ? encode(vars[name as keyof TemplateVars]) : whole));
}

/** An email without a link (a code-only passwordless email) leaves out every line that holds {{link}}. */
const withoutLinkLines = (body: string) =>
  body
    .split("\n")
    .filter((line) => !namesIn(line).includes("link"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");

export function renderTemplate(t: TemplateContent, vars: TemplateVars): TemplateContent {
  const body = (text: string) => (vars.link ? text : withoutLinkLines(text));
  return { subject: oneLine(fill(t.subject, vars, oneLine)), text: fill(body(t.text), vars, (v) => v), html: fill(body(t.html), vars, escapeHtml) };
}

const namesIn = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

/** What is wrong with any template an admin submits: unknown placeholders, {{link}} or {{code}} in the subject. */
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
  for (const name of ["link", "code"]) {
    if (namesIn(t.subject).includes(name))
      issues.push({ path: "subject", message: `must not contain {{${name}}} (subjects are shown in lists and notifications)` });
  }
  return issues;
}

/** What `template` needs: {{link}} in text and html ({{code}} for passwordless, where the link is optional), and no {{code}} elsewhere. */
export function missingPlaceholders(template: TemplateName, t: TemplateContent): FieldIssue[] {
  const required = template === "passwordless" ? "code" : "link";
  const issues: FieldIssue[] = [];
  for (const field of ["text", "html"] as const) {
    if (!namesIn(t[field]).includes(required)) issues.push({ path: field, message: `must contain the {{${required}}} placeholder` });
    if (template !== "passwordless" && namesIn(t[field]).includes("code"))
      issues.push({ path: field, message: "must not contain {{code}} (only the passwordless email has a code)" });
  }
  return issues;
}
