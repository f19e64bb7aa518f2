// `npm run e2e:console`: the admin console (/console) in Debian's Chromium against `wrangler dev`: keyboard-only
// sign-in, create a project and a user, search, page through 60 users, read a password-reset email in the outbox
// and follow its link, the user's factors and sessions (end one), disable/revoke/delete, rotate a key, an admin's\n// TOTP (enroll on the account screen, sign in through the code step, turn it off with a recovery code), the activity chart, a viewer who sees no mutating
// control and whose forced call is refused, sign-out when the session ends; no request may leave 127.0.0.1,
// no CSP violation, and every screen passes an accessibility check (axe-core when installed, else a built-in one).
// Starts its own wrangler dev on E2E_PORT (default 8793) with a throwaway D1, unless E2E_BASE_URL is given
// (then E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD name its owner). CHROMIUM_PATH overrides /usr/bin/chromium.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { TOTP } from "otpauth";
import { launchChromium } from "./lib/chromium.mjs";
import { a11yProblems } from "./lib/a11y-check.mjs";
import { ROOT, generateDevVars, startWranglerDev } from "./lib/wrangler-dev.mjs";

const ALLOWED_HOST = "127.0.0.1";
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);
const ARTIFACTS = join(ROOT, ".artifacts");
const USERS = 60;
const PAGE = 25; // USERS_PAGE in console/src/screens/users.tsx
const VIEWER_PASSWORD = "viewer passphrase for e2e";
// `npm run console:screenshots` (--update-docs) also refreshes the README's images of these screens.
const DOC_SHOTS = process.argv.includes("--update-docs") ? new Set(["users", "overview"]) : new Set();
const DOCS = join(ROOT, "docs");

const isForeign = (url) => {
  const u = new URL(url);
  return !LOCAL_SCHEMES.has(u.protocol) && u.hostname !== ALLOWED_HOST;
};
const check = (ok, message) => {
  if (!ok) throw new Error(message);
};

/** Admin API calls the test makes itself (seeding 60 users, the reset email): Node fetch to the same 127.0.0.1 server. */
function adminApi(baseUrl, token) {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { "Content-Type": "application/json", ...(token ? { "X-Admin-Session": token } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json.data;
  };
}

async function run(baseUrl, owner) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launchChromium();
  const requests = [];
  const problems = [];
  const screens = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
    context.setDefaultTimeout(20_000);
    context.on("request", (req) => requests.push({ method: req.method(), url: req.url() }));
    const page = await context.newPage();
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to (connect|load|apply|execute)/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("websocket", (ws) => requests.push({ method: "WEBSOCKET", url: ws.url() }));

    const screen = async (name) => {
      await page.waitForLoadState("networkidle");
      for (const p of await a11yProblems(page)) problems.push(`a11y on ${name}: ${p}`);
      await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true, animations: "disabled" });
      if (DOC_SHOTS.has(name)) {
        mkdirSync(DOCS, { recursive: true });
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(DOCS, `console-${name}.png`), animations: "disabled" });
      }
      screens.push(name);
    };
    const heading = (name, level) => page.getByRole("heading", { name, exact: true, ...(level ? { level } : {}) });
    const confirm = async (label) => {
      await page.getByRole("button", { name: label, exact: true }).click();
      await page.getByRole("button", { name: `Confirm: ${label}` }).click();
    };

    // Keyboard-only sign-in: Tab to the fields, type, Enter.
    await page.goto(`${baseUrl}/console`);
    await heading("Sign in to the edge-auth console").waitFor();
    await screen("sign-in");
    await page.keyboard.press("Tab");
    check(await page.getByLabel("Email").evaluate((el) => el === document.activeElement), "Tab from the top does not reach the email field");
    await page.keyboard.type(owner.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(owner.password);
    await page.keyboard.press("Enter");
    await heading("Projects", 1).waitFor();
    const stored = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }));
    check(stored.session.includes("edge-auth.console.session") && stored.local.length === 0, `token storage: ${JSON.stringify(stored)}`);
    console.log("sign-in: keyboard only; the token is in sessionStorage, localStorage is empty");

    // Create a project: the slug preview follows the name.
    const name = `Console E2E ${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    const slug = await page.getByTestId("slug-preview").textContent();
    check(slug === name.toLowerCase().replace(/ /g, "_"), `slug preview ${slug}`);
    await screen("projects");
    await page.getByRole("button", { name: "Create project" }).click();
    await heading("Settings").waitFor();
    const projectId = slug;
    // A validation error shows next to its field.
    await page.getByLabel("Redirect URLs (one a line)").fill("not a url");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator("#field-redirectUrls-error").waitFor();
    // The reset link leads back to this server, so following it stays on 127.0.0.1.
    await page.getByLabel("Redirect URLs (one a line)").fill(`${baseUrl}/health`);
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved.").waitFor();
    await screen("settings");
    // Rate-limit overrides: text that is not JSON is caught in the page, a bad rule by the server, a good one saved.
    const overrides = page.getByLabel("Rate-limit overrides (JSON)");
    check((await overrides.inputValue()).trim() === "{}", "a new project has no rate-limit overrides");
    await overrides.fill("{ not json");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator("#field-rateLimits-error").waitFor();
    await overrides.fill(JSON.stringify({ "login.ip": { kind: "window", limit: 0, windowSeconds: 900 } }));
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator("#field-rateLimits-error", { hasNotText: "is not JSON" }).waitFor();
    await overrides.fill(JSON.stringify({ "login.ip": { kind: "window", limit: 7, windowSeconds: 900 } }));
    await page.getByLabel("Audit log retention (days)").fill("30");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Saved.").waitFor();
    const savedProject = await adminApi(baseUrl, owner.token)("GET", `/api/admin/projects/${projectId}`);
    check(
      savedProject.rateLimits["login.ip"].limit === 7 && savedProject.auditRetentionDays === 30,
      `saved settings ${JSON.stringify(savedProject.rateLimits["login.ip"])}`,
    );
    console.log(`project: ${projectId} created; field errors shown (a redirect URL, rate-limit overrides); settings saved`);

    // Create a user in the console, 59 more through the API, then page through all 60.
    await page.getByRole("link", { name: "Users", exact: true }).click();
    const email = `ada.${Date.now()}@example.com`;
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password (optional)").fill("a fine password 123");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByTestId("user-status").waitFor();
    const admin = adminApi(baseUrl, owner.token);
    for (let i = 1; i < USERS; i++) await admin("POST", `/api/admin/projects/${projectId}/users`, { email: `seed${String(i).padStart(2, "0")}@example.com` });
    await page.getByRole("link", { name: "← All users" }).click();
    const seen = new Set();
    for (let p = 1; ; p++) {
      // aria-busy is false once the answer for this page's cursor is on screen.
      await page.locator(`section[aria-busy="false"] caption:text-is("Users, page ${p}")`).waitFor({ state: "attached" });
      const rows = await page.locator("tbody tr td:first-child").allTextContents();
      check(rows.length === Math.min(PAGE, USERS - (p - 1) * PAGE), `users page ${p} has ${rows.length} rows: ${rows.join(" ")}`);
      for (const r of rows) seen.add(r);
      const next = page.getByRole("button", { name: "Next page" });
      if (await next.isDisabled()) break;
      await next.click();
    }
    check(seen.size === USERS, `paged through ${seen.size} distinct users, not ${USERS}`);
    await screen("users");
    console.log(`users: ${USERS} seen over ${Math.ceil(USERS / PAGE)} keyset pages, none twice`);

    // Search finds the user.
    await page.getByLabel("Search users (email or name)").fill(email);
    await page.waitForFunction(() => document.querySelectorAll("tbody tr").length === 1);
    check((await page.locator("tbody tr").textContent()).includes(email), "search found someone else");
    // Two sessions of the user (Auth API sign-ins), shown on the detail with the factors; one is ended there.
    for (let i = 0; i < 2; i++) {
      const signedIn = await fetch(`${baseUrl}/api/auth/${projectId}/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": `e2e device ${i}` },
        body: JSON.stringify({ email, password: "a fine password 123" }),
      });
      check(signedIn.status === 200, `the user's sign-in answered ${signedIn.status}`);
    }
    await page.getByRole("link", { name: email }).click();
    await page.getByTestId("user-status").waitFor();
    const factors = page.getByTestId("user-factors");
    await factors.waitFor();
    const factorText = await factors.textContent();
    check(/TOTP\s*off/.test(factorText) && /Recovery codes left\s*0/.test(factorText) && /Passkeys\s*0/.test(factorText), `factors: ${factorText}`);
    const sessionRows = page.getByTestId("user-sessions").locator("tbody tr");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="user-sessions"] tbody tr').length === 2);
    check((await sessionRows.first().textContent()).includes("pwd"), "a session row does not say how it was signed in");
    await screen("user-detail");
    const endOne = page.getByRole("button", { name: /^End session / }).first();
    const endLabel = await endOne.textContent();
    await endOne.click();
    await page.getByRole("button", { name: `Confirm: ${endLabel}` }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="user-sessions"] tbody tr').length === 1);
    const stillListed = await fetch(`${baseUrl}/api/admin/projects/${projectId}/users/${new URL(page.url()).hash.split("/").pop()}/sessions`, {
      headers: { "X-Admin-Session": owner.token },
    });
    check((await stillListed.json()).data.length === 1, "the ended session is still live on the server");
    console.log("user detail: factors (TOTP off, 0 recovery codes, 0 passkeys), 2 sessions listed, one ended after confirmation");

    // A password-reset email in the outbox, and its link followed.
    const reset = await fetch(`${baseUrl}/api/auth/${projectId}/password/forgot`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email }),
    });
    check(reset.status === 200 || reset.status === 202, `forgot-password answered ${reset.status}`);
    await page.getByRole("link", { name: "Outbox" }).click();
    await page.locator("tbody tr").filter({ hasText: email }).getByRole("button").click();
    const link = page.locator("article pre a").first();
    const target = await link.getAttribute("href");
    check(target?.startsWith(`${baseUrl}/health?`) && /token=/.test(target), `reset link ${target}`);
    await screen("outbox");
    const [followed] = await Promise.all([page.waitForResponse((r) => r.url() === target), link.click()]);
    check(followed.status() === 200, `following the reset link answered ${followed.status()}`);
    await page.goBack();
    await heading("Outbox").waitFor();
    console.log("outbox: the reset email is listed, its link leads to the redirect URL with a token");

    // Disable, revoke sessions, delete.
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await page.getByLabel("Search users (email or name)").fill(email);
    await page.getByRole("link", { name: email }).click();
    await page.getByRole("button", { name: "Disable user" }).click();
    await page.getByTestId("user-status").filter({ hasText: "disabled" }).waitFor();
    await confirm("Revoke sessions");
    await page.getByText("Every session was revoked.").waitFor();
    await confirm("Delete user");
    await heading("Users", 2).waitFor();
    const gone = await fetch(`${baseUrl}/api/admin/projects/${projectId}/users?search=${encodeURIComponent(email)}`, {
      headers: { "X-Admin-Session": owner.token },
    });
    check((await gone.json()).data.length === 0, "the deleted user is still listed");
    console.log("user: disabled, sessions revoked, deleted");

    // Rotate the signing key.
    await page.getByRole("link", { name: "Signing keys" }).click();
    await page.locator("tbody tr").first().waitFor();
    await confirm("Rotate key");
    await page.locator("tbody tr").nth(1).waitFor();
    check((await page.locator("tbody tr").filter({ hasText: "retired" }).count()) === 1, "no retired key after the rotation");
    await screen("keys");
    console.log("keys: rotated (one active, one retired)");

    // A sign-up and a sign-in through the Auth API show in the overview's activity chart.
    const auth = (path, body) =>
      fetch(`${baseUrl}/api/auth/${projectId}/${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const grace = { email: `grace.${Date.now()}@example.com`, password: "another fine password 7" };
    check((await auth("register", grace)).status === 201, "register failed");
    check((await auth("login", grace)).status === 200, "login failed");
    await page.getByRole("link", { name: "Overview" }).click();
    await page.locator("svg.chart polyline").first().waitFor({ state: "attached" });
    await page.getByText("Sign-ups: 1").waitFor();
    // Grace's sign-in and the two of the user whose sessions the detail showed.
    await page.getByText("Sign-ins: 3").waitFor();
    console.log("overview: the chart counts the sign-up and the sign-ins");
    await screen("overview");
    for (const [link, title] of [
      ["Social providers", "Social providers"],
      ["Email templates", "Email templates"],
    ]) {
      await page.getByRole("link", { name: link }).click();
      await heading(title).waitFor();
      await screen(link.toLowerCase().replace(/ /g, "-"));
    }
    // A webhook: created (its secret shown once), a delivery listed for an event, disabled, deleted. development
    // projects may post to 127.0.0.1, so nothing leaves the machine.
    await page.getByRole("link", { name: "Webhooks" }).click();
    await heading("Webhooks").waitFor();
    const hookUrl = `${baseUrl}/health`;
    await page.getByLabel("URL", { exact: true }).fill(hookUrl);
    await page.getByRole("button", { name: "Add webhook" }).click();
    check((await page.getByTestId("webhook-secret").inputValue()).length > 16, "no webhook secret shown");
    await page.getByTestId("webhooks").locator("tbody tr").filter({ hasText: hookUrl }).waitFor();
    check((await auth("register", { email: `hook.${Date.now()}@example.com`, password: "yet another password 9" })).status === 201, "register failed");
    await page.getByRole("button", { name: `Deliveries of ${hookUrl}` }).click();
    await page.getByTestId("deliveries").locator("tbody tr").filter({ hasText: "user.created" }).first().waitFor();
    await screen("webhooks");
    await page.getByRole("button", { name: `Disable ${hookUrl}` }).click();
    await page.getByTestId("webhooks").locator("tbody tr").filter({ hasText: "disabled" }).waitFor();
    await confirm(`Delete ${hookUrl}`);
    await page.getByText("No webhooks yet.").waitFor();
    console.log("webhooks: created with the secret shown once, a user.created delivery listed, disabled, deleted");
    // An OAuth client: registered (confidential, its secret shown once), then not shown again after a reload.
    await page.getByRole("link", { name: "OAuth clients" }).click();
    await heading("OAuth clients").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("E2E app");
    await page.getByLabel("Redirect URIs (one a line)").fill("https://app.example.com/callback\nhttp://127.0.0.1/callback");
    await page.getByRole("button", { name: "Register client" }).click();
    const clientSecret = await page.getByTestId("client-secret").inputValue();
    check(clientSecret.startsWith("cs_"), `no client secret shown: ${clientSecret}`);
    await page.getByTestId("oauth-clients").locator("tbody tr").filter({ hasText: "E2E app" }).waitFor();
    await screen("oauth-clients");
    await page.reload();
    await page.getByTestId("oauth-clients").locator("tbody tr").filter({ hasText: "E2E app" }).waitFor();
    check((await page.getByTestId("client-secret").count()) === 0, "the client secret is shown again after a reload");
    check(!(await page.content()).includes(clientSecret), "the client secret is in the page after a reload");
    console.log("oauth clients: registered with the secret shown once, not shown again");
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.locator("tbody tr").first().waitFor();
    await screen("audit-log");

    // The owner turns on TOTP on the account screen (codes computed here, as an authenticator app would).
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByTestId("totp-status").filter({ hasText: "off" }).waitFor();
    await page.getByRole("button", { name: "Set up TOTP" }).click();
    const secret = await page.getByTestId("totp-secret").inputValue();
    check((await page.getByLabel("otpauth URL").inputValue()).startsWith("otpauth://totp/"), "no otpauth URL shown");
    const totp = new TOTP({ secret, algorithm: "SHA1", digits: 6, period: 30 });
    await screen("account-enroll");
    await page.getByLabel("Code from the app").fill(totp.generate());
    await page.getByRole("button", { name: "Confirm and turn on" }).click();
    await page.getByText("Save these recovery codes now").waitFor();
    const codes = await page.getByTestId("recovery-codes").locator("li").allTextContents();
    check(codes.length === 10, `${codes.length} recovery codes shown`);
    await page.getByTestId("totp-status").filter({ hasText: "on" }).waitFor();
    await screen("account-totp-on");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await heading("Second factor").waitFor();
    check(await heading("Second factor").evaluate((el) => el === document.activeElement), "the code step does not take the focus");
    await page.getByLabel("Authentication code").fill(String((Number(totp.generate()) + 1) % 1_000_000).padStart(6, "0"));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("alert").filter({ hasText: "INVALID_CODE" }).waitFor();
    await screen("sign-in-mfa");
    // The next time step (inside the server's ±30 s window): the confirming code's step may not be used twice.
    await page.getByLabel("Authentication code").fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole("button", { name: "Verify" }).click();
    await heading("Projects", 1).waitFor();
    console.log("admin TOTP: enrolled on the account screen (10 recovery codes shown), signed in through the code step (a wrong code shown as INVALID_CODE)");
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByTestId("totp-status").filter({ hasText: "on" }).waitFor();
    await page.getByRole("button", { name: "Use a recovery code" }).click();
    await page.getByLabel("Recovery code").fill(codes[0]);
    await page.getByRole("button", { name: "Turn TOTP off" }).click();
    await page.getByTestId("totp-status").filter({ hasText: "off" }).waitFor();
    console.log("admin TOTP: turned off with a recovery code");
    await page.getByRole("link", { name: "Projects" }).click();
    await heading("Projects", 1).waitFor();

    // Owner creates a viewer on the admins screen.
    const viewerEmail = `viewer.${Date.now()}@example.com`;
    await page.getByRole("link", { name: "Admins" }).click();
    await page.getByLabel("Email").fill(viewerEmail);
    await page.getByLabel("Initial password").fill(VIEWER_PASSWORD);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByRole("button", { name: "Create admin" }).click();
    await page.locator("tbody tr").filter({ hasText: viewerEmail }).waitFor();
    await confirm(`Reset TOTP of ${viewerEmail}`);
    await page.getByText(`${viewerEmail} had no TOTP`).waitFor();
    await screen("admins");
    await page.getByRole("button", { name: "Sign out" }).click();
    await heading("Sign in to the edge-auth console").waitFor();
    check((await page.evaluate(() => sessionStorage.length)) === 0, "sign-out left the token in sessionStorage");

    // The viewer: read-only screens, no mutating control, and a forced call is refused by the server.
    await page.getByLabel("Email").fill(viewerEmail);
    await page.getByLabel("Password").fill(VIEWER_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await heading("Projects", 1).waitFor();
    check((await page.getByRole("button", { name: "Create project" }).count()) === 0, "a viewer sees Create project");
    check((await page.getByRole("link", { name: "Admins" }).count()) === 0, "a viewer sees Admins");
    await page.goto(`${baseUrl}/console/#/projects/${projectId}/settings`);
    await heading("Settings").waitFor();
    for (const label of ["Save settings", "Delete project"]) check((await page.getByRole("button", { name: label }).count()) === 0, `a viewer sees ${label}`);
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await page.locator("tbody tr").first().waitFor();
    check((await page.getByRole("button", { name: "Create user" }).count()) === 0, "a viewer sees Create user");
    await page.locator("tbody tr a").first().click();
    await page.getByTestId("user-status").waitFor();
    for (const label of ["Disable user", "Revoke sessions", "Delete user", "Save metadata", "Reset factors"])
      check((await page.getByRole("button", { name: label }).count()) === 0, `a viewer sees ${label}`);
    check((await page.getByRole("button", { name: /^End session / }).count()) === 0, "a viewer sees End session");
    await page.getByRole("link", { name: "Webhooks" }).click();
    await heading("Webhooks").waitFor();
    check((await page.getByRole("button", { name: "Add webhook" }).count()) === 0, "a viewer sees Add webhook");
    await page.getByRole("link", { name: "OAuth clients" }).click();
    await page.getByTestId("oauth-clients").locator("tbody tr").first().waitFor();
    check((await page.getByRole("button", { name: "Register client" }).count()) === 0, "a viewer sees Register client");
    check((await page.getByRole("button", { name: /^(Edit|Delete|Rotate secret of) / }).count()) === 0, "a viewer sees client actions");
    await page.getByRole("link", { name: "Signing keys" }).click();
    await page.locator("tbody tr").first().waitFor();
    check((await page.getByRole("button", { name: "Rotate key" }).count()) === 0, "a viewer sees Rotate key");
    await screen("viewer-keys");
    const forced = await page.evaluate(async (id) => {
      const { token } = JSON.parse(sessionStorage.getItem("edge-auth.console.session"));
      const res = await fetch(`/api/admin/projects/${id}/keys/rotate`, { method: "POST", headers: { "X-Admin-Session": token } });
      return { status: res.status, body: await res.json() };
    }, projectId);
    check(forced.status === 403 && forced.body.code === "FORBIDDEN", `a viewer's forced rotate answered ${JSON.stringify(forced)}`);
    console.log("viewer: no mutating control on projects, settings, users, user detail, keys; a forced rotate answered 403 FORBIDDEN");

    // The session ends on the server (as at expiry): the next call answers 401 and the console signs out.
    const viewerToken = await page.evaluate(() => JSON.parse(sessionStorage.getItem("edge-auth.console.session")).token);
    await adminApi(baseUrl, viewerToken)("POST", "/api/admin/logout");
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByText("Your session ended. Sign in again.").waitFor();
    check((await page.evaluate(() => sessionStorage.length)) === 0, "the ended session is still in sessionStorage");
    console.log("expiry: a 401 signed the console out and cleared sessionStorage");

    // At its absolute expiry the console signs out by itself (Playwright's fake clock moves the page's time).
    await page.clock.install();
    await page.reload();
    await page.getByLabel("Email").fill(viewerEmail);
    await page.getByLabel("Password").fill(VIEWER_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    // After a 401 the console reopens where it was (here the audit log).
    await heading("Audit log", 1).waitFor();
    const left = await page.evaluate(() => Date.parse(JSON.parse(sessionStorage.getItem("edge-auth.console.session")).expiresAt) - Date.now());
    await page.clock.fastForward(left + 1000);
    await page.getByText("Your session expired. Sign in again.").waitFor();
    check((await page.evaluate(() => sessionStorage.length)) === 0, "the expired session is still in sessionStorage");
    console.log(`expiry: the console signed out by itself at expiresAt (${Math.round(left / 60_000)} minutes after sign-in)`);
    await context.close();
  } finally {
    await browser.close();
    writeFileSync(join(ARTIFACTS, "console-requests.json"), `${JSON.stringify(requests, null, 2)}\n`);
  }
  const foreign = requests.filter((r) => isForeign(r.url));
  for (const r of foreign) problems.push(`request left ${ALLOWED_HOST}: ${r.method} ${r.url}`);
  console.log(`network: ${requests.length} requests, ${foreign.length} outside ${ALLOWED_HOST}; screens checked: ${screens.join(", ")}`);
  if (problems.length) throw new Error(problems.join("\n"));
}

async function main() {
  let server;
  let baseUrl = process.env.E2E_BASE_URL?.replace(/\/+$/, "");
  try {
    let email = process.env.E2E_ADMIN_EMAIL;
    let password = process.env.E2E_ADMIN_PASSWORD;
    if (baseUrl) {
      if (new URL(baseUrl).hostname !== ALLOWED_HOST) throw new Error(`E2E_BASE_URL must point at ${ALLOWED_HOST}, got ${baseUrl}`);
      if (!email || !password) throw new Error("with E2E_BASE_URL, set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD (its owner)");
    } else {
      const vars = generateDevVars();
      ({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = vars);
      server = await startWranglerDev({ port: Number(process.env.E2E_PORT ?? 8793), persistTo: ".wrangler/e2e-console-state", fresh: true, vars });
      baseUrl = server.url;
      console.log(`wrangler dev: ${baseUrl} (state in .wrangler/e2e-console-state)`);
    }
    const { sessionToken } = await adminApi(baseUrl)("POST", "/api/admin/login", { email, password });
    await run(baseUrl, { email, password, token: sessionToken });
    console.log(`screenshots: ${relative(ROOT, ARTIFACTS)}/console-*.png`);
  } catch (err) {
    console.error(`e2e:console failed: ${err.message}`);
    if (server) console.error(`last wrangler output:\n${server.output()}`);
    process.exitCode = 1;
  } finally {
    await server?.stop();
  }
  if (!process.exitCode) console.log("e2e:console passed");
}

await main();
