// The hosted pages' HTML. Every interpolation goes through hono/html's escaping (project and client
// names, branding, hints, errors are data, never markup); the page data for the script is JSON in a
// non-executed block with `<` escaped, so no value can close it.
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Branding } from "../../db/projects.repo";
import { HOSTED_SCRIPT_PATH, HOSTED_STYLE_PATH } from "./hosted.script";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface Frame {
  title: string;
  projectName: string;
  branding: Branding;
  /** The nonce of the one inline style (the accent colour), when there is one. */
  styleNonce: string | null;
  script: boolean;
}

/** JSON that is safe inside a <script type="application/json"> block. */
const scriptJson = (value: unknown) =>
  raw(
    JSON.stringify(value)
      .replace(/</g, "\\u003c")
      .replace(/\u2028|\u2029/g, (ch) => `\\u${ch.charCodeAt(0).toString(16)}`),
  );

export function layout(frame: Frame, body: Html, data?: unknown): Html {
  const { branding } = frame;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${frame.title} · ${frame.projectName}</title>
<link rel="stylesheet" href="${HOSTED_STYLE_PATH}">
${frame.styleNonce && branding.accentColor ? html`<style nonce="${frame.styleNonce}">:root { --accent: ${branding.accentColor}; }</style>` : ""}
${data === undefined ? "" : html`<script type="application/json" id="hosted-data">${scriptJson(data)}</script>`}
${frame.script ? html`<script src="${HOSTED_SCRIPT_PATH}" defer></script>` : ""}
</head>
<body>
<main aria-labelledby="page-title">
${branding.logoUrl ? html`<img class="logo" src="${branding.logoUrl}" alt="${frame.projectName}">` : ""}
${body}
</main>
</body>
</html>`;
}

export interface SignInView {
  projectName: string;
  clientName: string;
  loginHint: string;
  signUp: boolean;
  passwordless: boolean;
  passkeys: boolean;
  providers: string[];
}

const providerLabel = (slug: string) => slug.charAt(0).toUpperCase() + slug.slice(1);

export function signInBody(v: SignInView): Html {
  const alternatives = v.passwordless || v.passkeys || v.providers.length > 0;
  return html`<h1 id="page-title">Sign in to ${v.projectName}</h1>
<p class="client">to continue to ${v.clientName}</p>
<div id="status" role="alert" aria-live="assertive"></div>
<noscript><p>This page needs JavaScript to sign you in.</p></noscript>
<section data-step="password" aria-labelledby="password-title">
<h2 id="password-title">Email and password</h2>
<form id="password-form" novalidate>
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username webauthn" required value="${v.loginHint}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button>
</form>
<div class="links">
<a href="#forgot" data-go="forgot">Forgot your password?</a>
${v.signUp ? html`<a href="#register" data-go="register">Create an account</a>` : ""}
</div>
${alternatives ? html`<p class="or">or</p>` : ""}
${v.passwordless ? html`<button type="button" data-go="code-start">Email me a sign-in code</button>` : ""}
${v.passkeys ? html`<button type="button" id="passkey-button">Sign in with a passkey</button>` : ""}
${v.providers.map((slug) => html`<button type="button" data-provider="${slug}">Continue with ${providerLabel(slug)}</button>`)}
</section>
${
  v.passwordless
    ? html`<section data-step="confirm-link" hidden aria-labelledby="confirm-title">
<h2 id="confirm-title">Continue with this sign-in link?</h2>
<p>It signs you in as <strong id="confirm-email"></strong>. Continue only if you asked for this link yourself.</p>
<button class="primary" type="button" id="confirm-continue">Continue</button>
</section>`
    : ""
}
<section data-step="mfa" hidden aria-labelledby="mfa-title">
<h2 id="mfa-title">Second step</h2>
<form id="mfa-form" novalidate>
<label for="mfa-code">Code from your authenticator app, or a recovery code</label>
<input id="mfa-code" name="code" autocomplete="one-time-code" inputmode="text" required>
<button class="primary" type="submit">Verify</button>
</form>
${v.passkeys ? html`<button type="button" id="mfa-passkey" hidden>Use a passkey instead</button>` : ""}
</section>
${
  v.signUp
    ? html`<section data-step="register" hidden aria-labelledby="register-title">
<h2 id="register-title">Create an account</h2>
<form id="register-form" novalidate>
<label for="register-email">Email</label>
<input id="register-email" name="email" type="email" autocomplete="email" required value="${v.loginHint}">
<label for="register-name">Name (optional)</label>
<input id="register-name" name="displayName" autocomplete="name">
<label for="register-password">Password</label>
<input id="register-password" name="password" type="password" autocomplete="new-password" required>
<button class="primary" type="submit">Create account</button>
</form>
<div class="links"><a href="#sign-in" data-go="password">Back to sign in</a></div>
</section>`
    : ""
}
<section data-step="forgot" hidden aria-labelledby="forgot-title">
<h2 id="forgot-title">Reset your password</h2>
<form id="forgot-form" novalidate>
<label for="forgot-email">Email</label>
<input id="forgot-email" name="email" type="email" autocomplete="email" required value="${v.loginHint}">
<button class="primary" type="submit">Email me a link</button>
</form>
<div class="links"><a href="#sign-in" data-go="password">Back to sign in</a></div>
</section>
<section data-step="reset" hidden aria-labelledby="reset-title">
<h2 id="reset-title">Choose a new password</h2>
<form id="reset-form" novalidate>
<label for="reset-password">New password</label>
<input id="reset-password" name="password" type="password" autocomplete="new-password" required>
<button class="primary" type="submit">Change password</button>
</form>
</section>
${
  v.passwordless
    ? html`<section data-step="code-start" hidden aria-labelledby="code-start-title">
<h2 id="code-start-title">Sign in with an email code</h2>
<form id="code-start-form" novalidate>
<label for="code-email">Email</label>
<input id="code-email" name="email" type="email" autocomplete="email" required value="${v.loginHint}">
<button class="primary" type="submit">Send me a code</button>
</form>
<div class="links"><a href="#sign-in" data-go="password">Back to sign in</a></div>
</section>
<section data-step="code-verify" hidden aria-labelledby="code-verify-title">
<h2 id="code-verify-title">Enter the code we emailed you</h2>
<form id="code-verify-form" novalidate>
<label for="code-value">Code</label>
<input id="code-value" name="code" autocomplete="one-time-code" inputmode="numeric" required>
<button class="primary" type="submit">Sign in</button>
</form>
<div class="links"><a href="#sign-in" data-go="password">Back to sign in</a></div>
</section>`
    : ""
}`;
}

/** What each scope lets the app do, in the user's words. */
const SCOPE_WORDS: Record<string, string> = {
  openid: "Know who you are (your account ID)",
  email: "See your email address and whether it is verified",
  profile: "See your name",
  offline_access: "Keep access while you are not using the app",
};

export interface ConsentView {
  projectName: string;
  clientName: string;
  userEmail: string;
  scopes: string[];
  action: string;
  request: string;
  csrfToken: string;
}

export function consentBody(v: ConsentView): Html {
  return html`<h1 id="page-title">Allow ${v.clientName}?</h1>
<p class="client">You are signed in to ${v.projectName} as ${v.userEmail}.</p>
<h2 id="scopes-title">${v.clientName} wants to</h2>
<ul class="scopes" aria-labelledby="scopes-title">
${v.scopes.map((scope) => html`<li>${SCOPE_WORDS[scope] ?? scope}</li>`)}
</ul>
<form method="post" action="${v.action}">
<input type="hidden" name="request" value="${v.request}">
<input type="hidden" name="csrfToken" value="${v.csrfToken}">
<div class="actions">
<button type="submit" name="decision" value="deny">Deny</button>
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
</div>
</form>`;
}

export function errorBody(title: string, message: string): Html {
  return html`<h1 id="page-title">${title}</h1>
<p role="alert">${message}</p>`;
}

/** RP-initiated logout without an id_token_hint: ask first (a same-origin POST ends the session). */
export function logoutBody(projectName: string, fields: Record<string, string>): Html {
  return html`<h1 id="page-title">Sign out of ${projectName}?</h1>
<form method="post">
${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button class="primary" type="submit">Sign out</button>
</form>`;
}

export function signedOutBody(): Html {
  return html`<h1 id="page-title">You are signed out</h1>
<p>You can close this window.</p>`;
}
