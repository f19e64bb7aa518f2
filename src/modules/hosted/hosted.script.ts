// The hosted sign-in page's one script (plain ES2020, no framework), served as a same-origin file so
// the page's CSP stays script-src 'self'. It only calls this project's JSON Auth API, then hands the
// session to POST /hosted/session. Kept as a string: the Worker serves it as is (no build step).
export const HOSTED_SCRIPT = String.raw`"use strict";
(function () {
  var dataNode = document.getElementById("hosted-data");
  if (!dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var status = document.getElementById("status");
  var steps = Array.prototype.slice.call(document.querySelectorAll("[data-step]"));
  var mfaToken = null;
  var codeEmail = null;

  function say(message) {
    status.textContent = "";
    // A fresh text node, so screen readers announce a repeated message too (role=alert).
    window.setTimeout(function () { status.textContent = message; }, 30);
  }
  function show(name) {
    steps.forEach(function (step) { step.hidden = step.getAttribute("data-step") !== name; });
    var step = document.querySelector('[data-step="' + name + '"]');
    var first = step && step.querySelector("input:not([type=hidden]), button");
    if (first) first.focus();
  }
  function field(form, name) { return form.elements.namedItem(name).value; }
  function returnUrl() { return data.signInUrl + "?request=" + encodeURIComponent(data.request); }
  function linkKey() { return "edge-auth-link:" + data.request; }

  async function call(path, body) {
    var res = await fetch(data.issuer + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    });
    var json = null;
    try { json = await res.json(); } catch (e) { json = null; }
    if (!res.ok || !json || json.success !== true) {
      var err = new Error((json && json.error) || "Something went wrong. Please try again.");
      err.code = json && json.code;
      throw err;
    }
    return json.data;
  }

  async function signedIn(result) {
    if (result.mfaRequired) {
      mfaToken = result.mfaToken;
      var passkey = document.getElementById("mfa-passkey");
      if (passkey) passkey.hidden = result.methods.indexOf("webauthn") < 0 || !data.passkeys;
      show("mfa");
      say("Enter the code from your authenticator app, or a recovery code.");
      return;
    }
    var next = await call("/hosted/session", { refreshToken: result.refreshToken, request: data.request, csrfToken: data.csrfToken });
    say("Signed in. Continuing…");
    window.location.assign(next.redirectTo);
  }

  function onSubmit(id, handler) {
    var form = document.getElementById(id);
    if (!form) return;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var buttons = form.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      try {
        await handler(form);
      } catch (err) {
        say(err.message);
      } finally {
        buttons.forEach(function (b) { b.disabled = false; });
      }
    });
  }
  function onClick(id, handler) {
    var button = document.getElementById(id);
    if (!button) return;
    button.addEventListener("click", async function () {
      button.disabled = true;
      try { await handler(button); } catch (err) { say(err.message); } finally { button.disabled = false; }
    });
  }

  // ---- base64url and passkeys -------------------------------------------------------------
  function toBytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    var bin = atob(b64 + "===".slice((b64.length + 3) % 4));
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function requestOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    var options = Object.assign({}, json, { challenge: toBytes(json.challenge) });
    if (json.allowCredentials) options.allowCredentials = json.allowCredentials.map(function (c) { return Object.assign({}, c, { id: toBytes(c.id) }); });
    return options;
  }
  function credentialJson(cred) {
    if (typeof cred.toJSON === "function") return cred.toJSON();
    var r = cred.response;
    return {
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults(),
      response: {
        clientDataJSON: toB64url(r.clientDataJSON),
        authenticatorData: toB64url(r.authenticatorData),
        signature: toB64url(r.signature),
        userHandle: r.userHandle ? toB64url(r.userHandle) : undefined,
      },
    };
  }
  async function passkeySignIn() {
    var started = await call("/passkeys/login/options");
    var cred = await navigator.credentials.get({ publicKey: requestOptions(started.options) });
    if (!cred) throw new Error("No passkey was chosen.");
    await signedIn(await call("/passkeys/login/verify", { challengeId: started.challengeId, response: credentialJson(cred) }));
  }

  // ---- social providers (PKCE; the request id travels in state) -----------------------------
  async function socialStart(button) {
    var verifier = toB64url(crypto.getRandomValues(new Uint8Array(32)));
    var challenge = toB64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    sessionStorage.setItem("edge-auth-pkce:" + data.request, verifier);
    var query = new URLSearchParams({
      redirect_uri: data.signInUrl,
      code_challenge: challenge,
      code_challenge_method: "S256",
      state: data.request,
    });
    window.location.assign(data.issuer + "/oauth/" + encodeURIComponent(button.getAttribute("data-provider")) + "/authorize?" + query);
  }

  // ---- wiring -------------------------------------------------------------------------------
  onSubmit("password-form", async function (form) {
    await signedIn(await call("/login", { email: field(form, "email"), password: field(form, "password") }));
  });
  onSubmit("mfa-form", async function (form) {
    var code = field(form, "code").replace(/\s+/g, "");
    var body = /^[0-9]{6}$/.test(code) ? { mfaToken: mfaToken, code: code } : { mfaToken: mfaToken, recoveryCode: code };
    await signedIn(await call("/mfa/verify", body));
  });
  onSubmit("register-form", async function (form) {
    var body = { email: field(form, "email"), password: field(form, "password") };
    var name = field(form, "displayName");
    if (name) body.displayName = name;
    await signedIn(await call("/register", body));
  });
  onSubmit("forgot-form", async function (form) {
    await call("/password/forgot", { email: field(form, "email"), redirectUrl: returnUrl() });
    say("If an account exists for that address, we sent it a link to choose a new password.");
  });
  onSubmit("reset-form", async function (form) {
    await call("/password/reset", { token: data.token, password: field(form, "password") });
    show("password");
    say("Your password was changed. Sign in with the new one.");
  });
  onSubmit("code-start-form", async function (form) {
    codeEmail = field(form, "email");
    // Marks this browser as the one that asked, so its link signs in without a question (see resume).
    localStorage.setItem(linkKey(), "asked");
    await call("/passwordless/start", { email: codeEmail, redirectUrl: returnUrl() });
    show("code-verify");
    say("If that address can sign in, we sent it a code and a link.");
  });
  onSubmit("code-verify-form", async function (form) {
    await signedIn(await call("/passwordless/verify", { email: codeEmail, code: field(form, "code").replace(/\s+/g, "") }));
  });
  onClick("passkey-button", passkeySignIn);
  onClick("mfa-passkey", passkeySignIn);
  document.querySelectorAll("[data-provider]").forEach(function (button) {
    button.addEventListener("click", function () { socialStart(button).catch(function (err) { say(err.message); }); });
  });
  document.querySelectorAll("[data-go]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); show(link.getAttribute("data-go")); });
  });

  // What the page came back with: a social sign-in's code or error, an emailed link's token.
  async function resume() {
    if (data.error) { say(data.error); return; }
    if (data.code) {
      var key = "edge-auth-pkce:" + data.request;
      var verifier = sessionStorage.getItem(key);
      sessionStorage.removeItem(key);
      history.replaceState(null, "", returnUrl());
      if (!verifier) { say("This sign-in was started in another tab or window. Please try again here."); return; }
      await signedIn(await call("/oauth/token", { code: data.code, codeVerifier: verifier }));
    } else if (data.token && data.type === "passwordless") {
      history.replaceState(null, "", returnUrl());
      var asked = localStorage.getItem(linkKey()) !== null;
      localStorage.removeItem(linkKey());
      var result = await call("/passwordless/verify", { token: data.token });
      // A link this browser did not ask for may be someone else's (sign-in CSRF): say whose account it opens, and wait.
      if (asked || result.mfaRequired) return signedIn(result);
      document.getElementById("confirm-email").textContent = result.user.email;
      document.getElementById("confirm-continue").addEventListener("click", function () {
        signedIn(result).catch(function (err) { say(err.message); });
      });
      show("confirm-link");
    } else if (data.token && data.type === "reset_password") {
      history.replaceState(null, "", returnUrl());
      show("reset");
    }
  }
  resume().catch(function (err) { say(err.message); });
})();
`;

export const HOSTED_STYLE = `:root {
  --accent: #2454d6;
  color-scheme: light;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.5;
}
body { margin: 0; background: #f3f4f6; color: #111827; }
main { max-width: 24rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 0.75rem; box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
.logo { display: block; max-height: 3rem; max-width: 12rem; margin: 0 auto 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 0.25rem; text-align: center; }
h2 { font-size: 1.1rem; margin: 1rem 0 0.5rem; }
.client { text-align: center; color: #4b5563; margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin-top: 0.75rem; }
input { box-sizing: border-box; width: 100%; padding: 0.6rem; margin-top: 0.25rem; border: 1px solid #9ca3af; border-radius: 0.4rem; font: inherit; }
button { box-sizing: border-box; width: 100%; margin-top: 1rem; padding: 0.65rem; border: 1px solid var(--accent); border-radius: 0.4rem; font: inherit; font-weight: 600; cursor: pointer; background: #fff; color: var(--accent); }
button.primary { background: var(--accent); color: #fff; }
button:disabled { opacity: 0.6; cursor: progress; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.links { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.75rem; }
a { color: var(--accent); }
.or { text-align: center; color: #6b7280; margin: 1rem 0 0; }
#status:not(:empty) { margin: 0.5rem 0; padding: 0.6rem; border-radius: 0.4rem; background: #fef3c7; color: #78350f; }
.scopes { padding-left: 1.25rem; }
.actions { display: flex; gap: 0.75rem; }
[hidden] { display: none !important; }
`;

// Short content hashes (FNV-1a) in the file names: a deploy changes the name, so a year's cache is safe.
const fnv = (text: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619) >>> 0;
  return h.toString(16).padStart(8, "0");
};

export const HOSTED_FILES: Record<string, { body: string; type: string }> = {
  [`hosted-${fnv(HOSTED_SCRIPT)}.js`]: { body: HOSTED_SCRIPT, type: "text/javascript; charset=utf-8" },
  [`hosted-${fnv(HOSTED_STYLE)}.css`]: { body: HOSTED_STYLE, type: "text/css; charset=utf-8" },
};

const nameOf = (ext: string) => Object.keys(HOSTED_FILES).find((name) => name.endsWith(ext))!;
export const HOSTED_SCRIPT_PATH = `/hosted/assets/${nameOf(".js")}`;
export const HOSTED_STYLE_PATH = `/hosted/assets/${nameOf(".css")}`;
