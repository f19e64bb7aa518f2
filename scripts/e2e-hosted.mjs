// `npm run e2e:hosted`: the hosted sign-in page in a real browser. Debian's Chromium (playwright-core) against
// `wrangler dev` on 127.0.0.1:8792: a waiting authorization request (written to the local D1, as the
// authorization endpoint stores it) opens the hosted page, which signs in with a password, and (a fresh
// browser, so no single sign-on) with a code mailed to the dev outbox; both end at the app's redirect URI
// with a code, state and iss. The page's CSP must hold (no violation, no page error) and no request may leave
// 127.0.0.1 (the app's callback is answered by the test). Port: E2E_PORT (8792). CHROMIUM_PATH overrides /usr/bin/chromium.
import { spawnSync } from "node:child_process";
import { launchChromium } from "./lib/chromium.mjs";
import { envelopeCall as json } from "./lib/envelope-api.mjs";
import { ROOT, WRANGLER, generateDevVars, startWranglerDev, wranglerEnv } from "./lib/wrangler-dev.mjs";

const API_PORT = Number(process.env.E2E_PORT ?? 8792);
const PERSIST = ".wrangler/hosted-e2e-state";
const APP_CALLBACK = "https://app.example.com/callback";
const PASSWORD = "a long user passphrase for the browser";

const check = (condition, message) => {
  if (!condition) throw new Error(message);
  console.log(`  ok   ${message}`);
};

function sql(command) {
  const args = ["d1", "execute", "DB", "--local", "--persist-to", PERSIST, "--command", command];
  const run = spawnSync(WRANGLER, args, { cwd: ROOT, env: wranglerEnv({ CI: "true" }), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`wrangler d1 execute failed: ${run.stdout}${run.stderr}`);
}

async function setUp(baseUrl, vars) {
  const { sessionToken } = await json(baseUrl, "/api/admin/login", { body: { email: vars.ADMIN_EMAIL, password: vars.ADMIN_PASSWORD } });
  const project = await json(baseUrl, "/api/admin/projects", { body: { name: "Hosted <e2e>", environment: "development" }, session: sessionToken });
  await json(baseUrl, `/api/admin/projects/${project.id}`, { body: { passwordless: true }, session: sessionToken, method: "PATCH" });
  const email = `hosted-${Date.now()}@example.com`;
  await json(baseUrl, `/api/auth/${project.id}/register`, { body: { email, password: PASSWORD } });
  const at = new Date().toISOString();
  const until = new Date(Date.now() + 15 * 60_000).toISOString();
  const request = (id) =>
    `INSERT INTO oauth2_requests (id, project_id, client_id, redirect_uri, scope, state, nonce, code_challenge, created_at, expires_at)
     VALUES ('${id}', '${project.id}', 'cl_e2e', '${APP_CALLBACK}', 'openid email', 'st-${id}', 'n', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', '${at}', '${until}');`;
  sql(
    `INSERT INTO oauth_clients (client_id, project_id, name, type, first_party, redirect_uris, created_at, updated_at)
     VALUES ('cl_e2e', '${project.id}', 'E2E App', 'public', 1, '["${APP_CALLBACK}"]', '${at}', '${at}'); ${request("azr_e2e_password")} ${request("azr_e2e_code")} ${request("azr_e2e_link")}`,
  );
  return { projectId: project.id, email, sessionToken };
}

async function run(baseUrl, vars) {
  const { projectId, email, sessionToken } = await setUp(baseUrl, vars);
  const issuer = `${baseUrl}/api/auth/${projectId}`;
  console.log(`project ${projectId}; issuer ${issuer}`);
  const browser = await launchChromium();
  const problems = [];
  const outside = [];
  const newPage = async () => {
    const context = await browser.newContext({ serviceWorkers: "block" });
    context.setDefaultTimeout(30_000);
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.fallback();
      if (url.href.startsWith(APP_CALLBACK)) return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>app</title>app" });
      outside.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
    });
    return page;
  };
  const arrived = (page, state) => {
    const url = new URL(page.url());
    return (
      `${url.origin}${url.pathname}` === APP_CALLBACK &&
      /^ac_/.test(url.searchParams.get("code") ?? "") &&
      url.searchParams.get("state") === state &&
      url.searchParams.get("iss") === issuer
    );
  };
  try {
    // Password.
    let page = await newPage();
    await page.goto(`${issuer}/hosted/sign-in?request=azr_e2e_password`);
    check((await page.title()).includes("Hosted <e2e>"), "the page shows the project's name (escaped, as text)");
    await page.getByRole("textbox", { name: "Email" }).fill(email);
    await page.locator("#password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(APP_CALLBACK));
    check(arrived(page, "st-azr_e2e_password"), `password sign-in ends at the app with code, state and iss (${page.url()})`);
    const cookies = await page.context().cookies(baseUrl);
    const sso = cookies.find((c) => c.name === `edge_auth_sso_${projectId}`);
    check(sso?.httpOnly && sso.sameSite === "Lax", "the single sign-on cookie is set, HttpOnly and SameSite=Lax (no __Host- on loopback)");
    await page.context().close();

    // Email code, in a fresh browser context (no single sign-on cookie).
    page = await newPage();
    await page.goto(`${issuer}/hosted/sign-in?request=azr_e2e_code`);
    await page.getByRole("button", { name: "Email me a sign-in code" }).click();
    await page.locator("#code-email").fill(email);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.locator("#code-value").waitFor({ state: "visible" });
    const outbox = await json(baseUrl, `/api/admin/projects/${projectId}/outbox?to=${encodeURIComponent(email)}`, { session: sessionToken });
    const code = /^(\d{6})$/m.exec(outbox[0]?.text ?? "")?.[1];
    check(Boolean(code), "the code arrived in the dev outbox");
    await page.locator("#code-value").fill(code);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(APP_CALLBACK));
    check(arrived(page, "st-azr_e2e_code"), `email-code sign-in ends at the app with code, state and iss (${page.url()})`);
    await page.context().close();

    // A magic link asked for in one browser and opened in another (the sign-in CSRF shape): the page names the
    // account and waits for the user; Continue then signs in.
    page = await newPage();
    await page.goto(`${issuer}/hosted/sign-in?request=azr_e2e_link`);
    await page.getByRole("button", { name: "Email me a sign-in code" }).click();
    await page.locator("#code-email").fill(email);
    await page.getByRole("button", { name: "Send me a code" }).click();
    await page.locator("#code-value").waitFor({ state: "visible" });
    await page.context().close();
    const mailed = await json(baseUrl, `/api/admin/projects/${projectId}/outbox?to=${encodeURIComponent(email)}`, { session: sessionToken });
    const link = /(http\S+type=passwordless\S*)/.exec(mailed[0]?.text ?? "")?.[1];
    check(Boolean(link), "the magic link arrived in the dev outbox");
    page = await newPage();
    await page.goto(link);
    await page.locator("#confirm-continue").waitFor({ state: "visible" });
    check(
      (await page.locator("#confirm-email").textContent()) === email && !page.url().startsWith(APP_CALLBACK),
      "a link opened in another browser names the account and waits",
    );
    await page.locator("#confirm-continue").click();
    await page.waitForURL((url) => url.href.startsWith(APP_CALLBACK));
    check(arrived(page, "st-azr_e2e_link"), "Continue signs in with the link");
    await page.context().close();

    check(outside.length === 0, `no request left 127.0.0.1${outside.length ? `: ${outside.join(", ")}` : ""}`);
    check(problems.length === 0, `no page error or CSP violation${problems.length ? `: ${problems.join("; ")}` : ""}`);
  } finally {
    await browser.close();
  }
}

async function main() {
  const vars = generateDevVars();
  let server;
  try {
    server = await startWranglerDev({ port: API_PORT, persistTo: PERSIST, fresh: true, vars });
    console.log(`wrangler dev: ${server.url}`);
    await run(server.url, vars);
    console.log("hosted sign-in e2e: all checks passed");
  } finally {
    await server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
