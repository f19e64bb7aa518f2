// Minimal server-rendered pages of the provider's browser endpoints (authorization errors, logout):
// no script, every value escaped, a CSP that allows nothing but the page's own form.
import type { Context } from "hono";
import type { AppEnv } from "../lib/types";

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.5rem 1rem}";

/** A small HTML page; `bodyHtml` must already be escaped. */
export function simplePage(c: Context<AppEnv>, status: 200 | 400, title: string, bodyHtml: string) {
  const project = escapeHtml(c.get("project").name);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · ${project}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${bodyHtml}</main></body></html>`;
  return c.html(html, status, { "Content-Security-Policy": CSP, "Cache-Control": "no-store" });
}
