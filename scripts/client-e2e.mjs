// `npm run client:e2e`: the BUILT @edge-auth/client in Debian's Chromium against `wrangler dev`. A page on its own
// origin (a static server on 127.0.0.1 serving the package's ESM build and openapi-fetch through an import map)
// signs in with createAuthClient + the localStorage adapter, keeps the session across a reload, refreshes it when
// the API answers 401 TOKEN_EXPIRED after another reload, and signs out (storage emptied, still signed out after
// a reload). Runs `npm run client:build` first. CHROMIUM_PATH overrides /usr/bin/chromium.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import { launchChromium } from "./lib/chromium.mjs";
import { PACKAGE_DIR, PACKAGE_NAME, ROOT } from "./lib/client-package.mjs";
import { generateDevVars, startWranglerDev } from "./lib/wrangler-dev.mjs";

const PASSWORD = "a long user passphrase for the browser";
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html", ".json": "application/json" };

// The package and its browser-side dependencies, by URL prefix; the import map below names them.
const MOUNTS = {
  "/pkg/": PACKAGE_DIR,
  "/deps/openapi-fetch/": join(ROOT, "node_modules/openapi-fetch"),
  "/deps/openapi-typescript-helpers/": join(ROOT, "node_modules/openapi-typescript-helpers"),
};

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>@edge-auth/client e2e</title>
<script type="importmap">${JSON.stringify({
  imports: {
    [PACKAGE_NAME]: "/pkg/dist/esm/index.js",
    "openapi-fetch": "/deps/openapi-fetch/dist/index.mjs",
    "openapi-typescript-helpers": "/deps/openapi-typescript-helpers/dist/index.mjs",
  },
})}</script>
<script type="module">
  import * as kit from "${PACKAGE_NAME}";
  window.kit = kit;
  window.kitReady = true;
</script></head><body>client e2e</body></html>`;

/** Serves the page and the mounted directories on 127.0.0.1 (a free port). */
function startStaticServer() {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/") {
      res.writeHead(200, { "Content-Type": "text/html", "Cache-Control": "no-store" });
      return res.end(PAGE);
    }
    const mount = Object.keys(MOUNTS).find((prefix) => path.startsWith(prefix));
    const root = mount ? MOUNTS[mount] : null;
    const file = root ? normalize(join(root, path.slice(mount.length))) : null;
    // Only files inside a mounted directory (normalize() has resolved any "..").
    if (!root || !file?.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
    createReadStream(file).pipe(res);
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

const check = (condition, message) => {
  if (!condition) throw new Error(message);
  console.log(`  ok   ${message}`);
};

/** A project that allows the page's origin, and a registered user, set up through the built admin client. */
async function setUp(baseUrl, vars, pageOrigin) {
  const { createAdminClient, createApiClient } = await import(pathToFileURL(join(PACKAGE_DIR, "dist/esm/index.js")).href);
  const admin = createAdminClient({ baseUrl });
  const login = await admin.login(vars.ADMIN_EMAIL, vars.ADMIN_PASSWORD);
  if (login.error) throw new Error(`admin login: ${login.error.code} ${login.error.message}`);
  const created = await admin.api.POST("/api/admin/projects", { body: { name: "client e2e", environment: "development" } });
  if (!created.data) throw new Error(`create project: ${created.response.status}`);
  const projectId = created.data.data.id;
  const patched = await admin.api.PATCH("/api/admin/projects/{projectId}", { params: { path: { projectId } }, body: { corsOrigins: [pageOrigin] } });
  if (!patched.data) throw new Error(`set corsOrigins: ${patched.response.status} ${JSON.stringify(patched.error)}`);
  const email = `browser-${Date.now()}@example.com`;
  const api = createApiClient({ baseUrl });
  const registered = await api.POST("/api/auth/{projectId}/register", { params: { path: { projectId } }, body: { email, password: PASSWORD } });
  if (!registered.data) throw new Error(`register: ${registered.response.status} ${JSON.stringify(registered.error)}`);
  return { projectId, email };
}

async function run(baseUrl, vars) {
  const site = await startStaticServer();
  const { projectId, email } = await setUp(baseUrl, vars, site.url);
  console.log(`page ${site.url}, project ${projectId}, user ${email}`);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ serviceWorkers: "block" });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    const refreshes = [];
    page.on("request", (req) => {
      if (req.method() === "POST" && new URL(req.url()).pathname.endsWith("/refresh")) refreshes.push(req.url());
    });

    // Every load builds a fresh client over localStorage, as an app does at start; events are recorded on window.
    const open = async () => {
      await page.goto(site.url);
      await page.waitForFunction(() => window.kitReady === true);
      return page.evaluate(
        ({ baseUrl, projectId }) => {
          const { createAuthClient, localStorageAdapter } = window.kit;
          if (typeof createAuthClient !== "function" || typeof localStorageAdapter !== "function") {
            return `the package exports ${Object.keys(window.kit).join(", ")}: no createAuthClient/localStorageAdapter`;
          }
          window.events = [];
          window.auth = createAuthClient({ baseUrl, projectId, storage: localStorageAdapter() });
          window.auth.onAuthStateChange((event) => window.events.push(event));
          return null;
        },
        { baseUrl, projectId },
      );
    };
    const storage = () => page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(localStorage))));
    const getUser = () => page.evaluate(async () => JSON.parse(JSON.stringify(await window.auth.getUser())));
    const events = () => page.evaluate(() => [...window.events]);

    const missing = await open();
    check(pageErrors.length === 0, `the built ESM package loads in Chromium through the import map${pageErrors.length ? `: ${pageErrors.join("; ")}` : ""}`);
    if (missing) throw new Error(missing);

    const signIn = await page.evaluate(async (body) => JSON.parse(JSON.stringify(await window.auth.signIn(body))), { email, password: PASSWORD });
    check(signIn.error === null, `signIn answers without error (${JSON.stringify(signIn.error)})`);
    check((await getUser()).data?.email === email, "getUser after signIn is the signed-in user");
    check((await events()).includes("SIGNED_IN"), "onAuthStateChange saw SIGNED_IN");
    const afterSignIn = await storage();
    check(afterSignIn !== "{}", "the session is kept in localStorage");

    await open();
    check((await getUser()).data?.email === email, "after a reload the session comes back from localStorage");

    // The next /me answers 401 TOKEN_EXPIRED once: the client must refresh (one POST /refresh) and replay the call.
    await open();
    let expired = 0;
    await page.route(`${baseUrl}/api/auth/${projectId}/me`, async (route) => {
      if (route.request().method() !== "GET" || expired > 0) return route.fallback();
      expired++;
      await route.fulfill({
        status: 401,
        headers: { "Content-Type": "application/json", "Access-Control-Allow-Origin": site.url, "Access-Control-Allow-Credentials": "true" },
        body: JSON.stringify({ success: false, error: "Access token expired", code: "TOKEN_EXPIRED" }),
      });
    });
    const before = refreshes.length;
    const replayed = await getUser();
    check(expired === 1 && replayed.data?.email === email, "a 401 TOKEN_EXPIRED is refreshed and the call replayed");
    check(refreshes.length - before === 1, `exactly one POST /refresh for it (saw ${refreshes.length - before})`);
    check((await events()).includes("TOKEN_REFRESHED"), "onAuthStateChange saw TOKEN_REFRESHED");
    const afterRefresh = await storage();
    check(afterRefresh !== afterSignIn, "the refreshed tokens replaced the old ones in localStorage");
    await page.unroute(`${baseUrl}/api/auth/${projectId}/me`);

    await open();
    check((await getUser()).data?.email === email, "after another reload the refreshed session is used");

    const signOut = await page.evaluate(async () => JSON.parse(JSON.stringify(await window.auth.signOut())));
    check(signOut.error === null, "signOut answers without error");
    check((await events()).includes("SIGNED_OUT"), "onAuthStateChange saw SIGNED_OUT");
    const tokens = Object.values(JSON.parse(afterRefresh)).join(" ");
    const left = Object.values(JSON.parse(await storage())).filter((v) => v && tokens.includes(v));
    check(left.length === 0, "signOut removed the session from localStorage");
    await open();
    check((await getUser()).error !== null, "after a reload the user is still signed out");
    check(pageErrors.length === 0, `no uncaught page errors${pageErrors.length ? `: ${pageErrors.join("; ")}` : ""}`);
  } finally {
    await browser.close();
    site.close();
  }
}

async function main() {
  const build = spawnSync(process.execPath, [join(ROOT, "scripts/client-build.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(1);
  const vars = generateDevVars();
  let server;
  try {
    server = await startWranglerDev({ port: Number(process.env.E2E_PORT ?? 0), persistTo: ".wrangler/client-e2e-state", fresh: true, vars });
    console.log(`wrangler dev: ${server.url}`);
    await run(server.url, vars);
  } catch (err) {
    console.error(`client:e2e failed: ${err.message}`);
    if (server) console.error(`last wrangler output:\n${server.output()}`);
    process.exitCode = 1;
  } finally {
    await server?.stop();
  }
  if (!process.exitCode) console.log("client:e2e passed");
}

await main();
