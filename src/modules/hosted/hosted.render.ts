// Rendering a hosted page: the shared layout, the project's branding, and a CSP that allows only
// our own script and style. Every server-rendered page of the provider (sign-in, consent, errors, logout) goes through here.
import type { Context } from "hono";
import { randomToken } from "../../crypto/random";
import { brandingOf } from "../../db/projects.repo";
import type { AppEnv } from "../../lib/types";
import { layout } from "./hosted.pages";

/** The hosted pages' policy: only our own script and style (plus the accent colour's nonce), images over https, no framing. */
function hostedCsp(styleNonce: string | null, formTargets: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self'${styleNonce ? ` 'nonce-${styleNonce}'` : ""}`,
    "img-src 'self' https:",
    "connect-src 'self'",
    // Chrome applies form-action to the redirect that follows a form POST (the consent screen's).
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join("")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** An HTML page of the project, with its branding; `data` (JSON for the page script) also loads the script. */
export function render(
  c: Context<AppEnv>,
  status: 200 | 400,
  title: string,
  body: Parameters<typeof layout>[1],
  opts: { data?: unknown; formTargets?: string[] } = {},
) {
  const project = c.get("project");
  const branding = brandingOf(project);
  const styleNonce = branding.accentColor ? randomToken("n").slice(2, 26) : null;
  c.header("Content-Security-Policy", hostedCsp(styleNonce, opts.formTargets));
  c.header("Cache-Control", "no-store");
  // Not the API's no-referrer: under it a browser sends `Origin: null` with a form POST, and the consent
  // and logout forms are accepted only with this origin. same-origin still sends nothing to other sites.
  c.header("Referrer-Policy", "same-origin");
  const frame = { title, projectName: project.name, branding, styleNonce, script: opts.data !== undefined };
  return c.html(layout(frame, body, opts.data), status);
}
