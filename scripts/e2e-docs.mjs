// `npm run e2e:docs`: /docs in Debian's Chromium lists every operation of /openapi.json, "try it" works
// against the local server, and the page never requests anything outside 127.0.0.1.
// Starts its own `wrangler dev` (free port, or E2E_PORT) on a throwaway D1 in .wrangler/e2e-state,
// unless E2E_BASE_URL points at a running server. CHROMIUM_PATH overrides /usr/bin/chromium.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { launchChromium } from "./lib/chromium.mjs";
import { ROOT, generateDevVars, startWranglerDev } from "./lib/wrangler-dev.mjs";

const ALLOWED_HOST = "127.0.0.1";
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);
const ARTIFACTS = join(ROOT, ".artifacts");
const TRY_IT = { method: "get", path: "/health" };

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every documented operation with the sidebar group Scalar files it under (its first tag). */
function operationsOf(spec) {
  const ops = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "put", "post", "delete", "patch", "head", "options", "trace"].includes(method)) continue;
      if (op["x-internal"] || op["x-scalar-ignore"]) continue;
      ops.push({ method, path, summary: op.summary ?? `${method.toUpperCase()} ${path}`, tag: op.tags?.[0] });
    }
  }
  return ops;
}

function isForeign(url) {
  const parsed = new URL(url);
  return !LOCAL_SCHEMES.has(parsed.protocol) && parsed.hostname !== ALLOWED_HOST;
}

async function run(baseUrl) {
  const specRes = await fetch(`${baseUrl}/openapi.json`);
  if (!specRes.ok) throw new Error(`GET ${baseUrl}/openapi.json answered ${specRes.status}`);
  const spec = await specRes.json();
  const operations = operationsOf(spec);
  const tryIt = operations.find((op) => op.method === TRY_IT.method && op.path === TRY_IT.path);
  if (!tryIt) throw new Error(`the spec has no ${TRY_IT.method.toUpperCase()} ${TRY_IT.path} operation to try`);

  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launchChromium();
  const requests = [];
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: "block" });
    context.setDefaultTimeout(30_000);
    context.on("request", (req) => requests.push({ method: req.method(), url: req.url(), status: null, failure: null }));
    context.on("requestfinished", async (req) => {
      const entry = requests.findLast((r) => r.url === req.url() && r.status === null);
      if (entry) entry.status = (await req.response())?.status() ?? null;
    });
    context.on("requestfailed", (req) => {
      const entry = requests.findLast((r) => r.url === req.url() && r.status === null);
      if (entry) entry.failure = req.failure()?.errorText ?? "failed";
    });
    const page = await context.newPage();
    // A request the CSP blocks never reaches the network log, but Chromium reports the attempt on the console.
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to (connect|load|frame)/i.test(msg.text())) problems.push(`CSP blocked: ${msg.text()}`);
    });
    page.on("pageerror", (err) => console.warn(`page error (not failing): ${err.message}`));
    page.on("websocket", (ws) => requests.push({ method: "WEBSOCKET", url: ws.url(), status: null, failure: null }));

    await page.goto(`${baseUrl}/docs`, { waitUntil: "domcontentloaded" });
    const sidebar = page.locator("aside.t-doc__sidebar, aside[aria-label^='Sidebar']").first();
    await sidebar.waitFor({ state: "visible" });
    await page.getByRole("heading", { name: spec.info.title }).first().waitFor({ state: "visible" });

    // Scalar shows one tag group open; open each operation's group, then its summary must be visible in the sidebar.
    const missing = [];
    for (const op of operations) {
      if (op.tag) {
        const group = sidebar.locator("button[aria-expanded]").filter({ hasText: new RegExp(`^\\s*${escapeRegExp(op.tag)}\\s*(Open|Close) Group`) });
        if ((await group.count()) && (await group.first().getAttribute("aria-expanded")) === "false") await group.first().click();
      }
      const item = sidebar.getByText(op.summary, { exact: true }).filter({ visible: true });
      try {
        await item.first().waitFor({ state: "visible", timeout: 5_000 });
      } catch {
        missing.push(`${op.method.toUpperCase()} ${op.path} "${op.summary}"`);
      }
    }
    if (missing.length) throw new Error(`operations not listed in /docs:\n  ${missing.join("\n  ")}`);
    console.log(`listed: all ${operations.length} operations of /openapi.json are in the sidebar`);
    await page.screenshot({ path: join(ARTIFACTS, "docs.png"), animations: "disabled" });

    // "Try it": open the operation, open Scalar's API client and send the request to this server.
    await sidebar.getByText(tryIt.summary, { exact: true }).first().click();
    await page
      .getByRole("button", { name: new RegExp(`Test Request\\s*\\(${tryIt.method} ${escapeRegExp(tryIt.path)}\\)`, "i") })
      .first()
      .click();
    const target = `${baseUrl}${tryIt.path}`;
    const [response] = await Promise.all([
      page.waitForResponse((res) => res.url() === target && res.request().method() === tryIt.method.toUpperCase()),
      page
        .getByRole("button", { name: new RegExp(`^Send\\b.*${tryIt.method} request to`, "i") })
        .first()
        .click(),
    ]);
    if (response.status() !== 200) throw new Error(`try it: ${target} answered ${response.status()}`);
    const body = await response.json();
    if (body?.success !== true) throw new Error(`try it: ${target} answered ${JSON.stringify(body)}`);
    await page.getByText("200 OK", { exact: true }).filter({ visible: true }).first().waitFor({ state: "visible" });
    console.log(`try it: ${tryIt.method.toUpperCase()} ${target} from Scalar's client answered 200 and the client shows it`);
    await page.screenshot({ path: join(ARTIFACTS, "docs-try-it.png"), animations: "disabled" });
    await context.close();
  } finally {
    await browser.close();
    writeFileSync(join(ARTIFACTS, "docs-requests.json"), `${JSON.stringify(requests, null, 2)}\n`);
  }

  const foreign = requests.filter((r) => isForeign(r.url));
  for (const r of foreign) problems.push(`request left ${ALLOWED_HOST}: ${r.method} ${r.url}`);
  console.log(
    `network: ${requests.length} requests, ${foreign.length} outside ${ALLOWED_HOST} (log: ${relative(ROOT, join(ARTIFACTS, "docs-requests.json"))})`,
  );
  if (problems.length) throw new Error(problems.join("\n"));
}

async function main() {
  let server;
  let baseUrl = process.env.E2E_BASE_URL?.replace(/\/+$/, "");
  try {
    if (baseUrl) {
      if (new URL(baseUrl).hostname !== ALLOWED_HOST) throw new Error(`E2E_BASE_URL must point at ${ALLOWED_HOST}, got ${baseUrl}`);
    } else {
      const port = Number(process.env.E2E_PORT ?? 0);
      server = await startWranglerDev({ port, persistTo: ".wrangler/e2e-state", fresh: true, vars: generateDevVars() });
      baseUrl = server.url;
      console.log(`wrangler dev: ${baseUrl} (state in .wrangler/e2e-state)`);
    }
    await run(baseUrl);
    console.log(`screenshots: ${relative(ROOT, join(ARTIFACTS, "docs.png"))}, ${relative(ROOT, join(ARTIFACTS, "docs-try-it.png"))}`);
  } catch (err) {
    console.error(`e2e:docs failed: ${err.message}`);
    if (server) console.error(`last wrangler output:\n${server.output()}`);
    process.exitCode = 1;
  } finally {
    await server?.stop();
  }
  if (!process.exitCode) console.log("e2e:docs passed");
}

await main();
