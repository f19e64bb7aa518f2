// `npm run e2e:passkeys`: passkeys in a real browser. Debian's Chromium (playwright-core) with a CDP virtual
// authenticator (CTAP2, internal transport, resident keys, user verification) against `wrangler dev` on
// 127.0.0.1:8791. A tiny page served from http://localhost:5181 (the project's only WebAuthn origin, rpId
// "localhost") registers a user, registers a passkey (parseCreationOptionsFromJSON + navigator.credentials.create
// + toJSON), signs out, signs in with it (discoverable: no email, navigator.credentials.get), and the same page
// served from http://localhost:5182 (allowed by CORS, not a WebAuthn origin) is refused by the server for both
// ceremonies. No request may leave 127.0.0.1/localhost. Ports: E2E_PORT (8791), PASSKEY_PAGE_PORTS ("5181,5182").
// CHROMIUM_PATH overrides /usr/bin/chromium.
import { createServer } from "node:http";
import { addVirtualAuthenticator, launchChromium } from "./lib/chromium.mjs";
import { generateDevVars, startWranglerDev } from "./lib/wrangler-dev.mjs";

const API_PORT = Number(process.env.E2E_PORT ?? 8791);
const [ALLOWED_PORT, OTHER_PORT] = (process.env.PASSKEY_PAGE_PORTS ?? "5181,5182").split(",").map(Number);
const ALLOWED_ORIGIN = `http://localhost:${ALLOWED_PORT}`;
const OTHER_ORIGIN = `http://localhost:${OTHER_PORT}`;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost"]);

// The app page: every step is a function on window, called by the test through page.evaluate.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>passkeys e2e</title></head><body>passkeys e2e
<script>
  const call = async (base, path, body, token) => {
    const response = await fetch(base + path, {
      method: body === undefined ? "GET" : "POST",
      headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...(token ? { Authorization: "Bearer " + token } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  window.e2e = {
    supported: () => typeof PublicKeyCredential === "function" && typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function",
    register: (api, email, password) => call(api, "/register", { email, password }),
    addPasskey: async (api, token) => {
      const options = await call(api, "/passkeys/register/options", {}, token);
      if (options.status !== 200) return { step: "options", ...options };
      const credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options.body.data) });
      return call(api, "/passkeys/register/verify", { response: credential.toJSON(), name: "Chromium virtual authenticator" }, token);
    },
    signOut: (api, refreshToken) => call(api, "/logout", { refreshToken }),
    signInWithPasskey: async (api) => {
      const options = await call(api, "/passkeys/login/options", {});
      if (options.status !== 200) return { step: "options", ...options };
      const credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options.body.data.options) });
      return call(api, "/passkeys/login/verify", { challengeId: options.body.data.challengeId, response: credential.toJSON() });
    },
    me: (api, token) => call(api, "/me", undefined, token),
  };
  window.ready = true;
</script></body></html>`;

function startPageServer(port) {
  const server = createServer((req, res) => {
    if (new URL(req.url, "http://x").pathname !== "/") {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "Content-Type": "text/html", "Cache-Control": "no-store" });
    res.end(PAGE);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done({ close: () => server.close() }));
  });
}

const check = (condition, message) => {
  if (!condition) throw new Error(message);
  console.log(`  ok   ${message}`);
};

async function admin(baseUrl, vars) {
  const post = async (path, body, session, method = "POST") => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: { "Content-Type": "application/json", ...(session ? { "X-Admin-Session": session } : {}) },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json.data;
  };
  const { sessionToken } = await post("/api/admin/login", { email: vars.ADMIN_EMAIL, password: vars.ADMIN_PASSWORD });
  const project = await post("/api/admin/projects", { name: "passkeys e2e", environment: "development" }, sessionToken);
  await post(
    `/api/admin/projects/${project.id}`,
    {
      // Both pages may call the API (CORS); only the first is a WebAuthn origin, so the refusal is the server's passkey check.
      corsOrigins: [ALLOWED_ORIGIN, OTHER_ORIGIN],
      webauthn: { rpId: "localhost", rpName: "edge-auth e2e", origins: [ALLOWED_ORIGIN] },
    },
    sessionToken,
    "PATCH",
  );
  return project.id;
}

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

async function run(baseUrl, vars) {
  const pages = [await startPageServer(ALLOWED_PORT), await startPageServer(OTHER_PORT)];
  const projectId = await admin(baseUrl, vars);
  const api = `${baseUrl}/api/auth/${projectId}`;
  console.log(`project ${projectId}; pages ${ALLOWED_ORIGIN} (WebAuthn origin) and ${OTHER_ORIGIN} (not one)`);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ serviceWorkers: "block" });
    context.setDefaultTimeout(30_000);
    const outside = [];
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (LOCAL_HOSTS.has(url.hostname)) return route.fallback();
      outside.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));

    const authenticator = await addVirtualAuthenticator(context, page);

    const open = async (origin) => {
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => window.ready === true);
    };
    const step = (name, ...args) => page.evaluate(([name, args]) => window.e2e[name](...args), [name, args]);

    await open(ALLOWED_ORIGIN);
    check(await step("supported"), "Chromium has PublicKeyCredential with the JSON parse helpers");
    const email = `passkey-${Date.now()}@example.com`;
    const registered = await step("register", api, email, "a long user passphrase for the browser");
    check(registered.status === 201, `a user registers from ${ALLOWED_ORIGIN} (${registered.status})`);
    const { accessToken, refreshToken, user } = registered.body.data;

    const added = await step("addPasskey", api, accessToken);
    check(added.status === 201, `a passkey is registered through navigator.credentials.create (${added.status} ${added.body.code ?? ""})`);
    const credentials = await authenticator.credentials();
    check(
      credentials.length === 1 && credentials[0].isResidentCredential && credentials[0].rpId === "localhost",
      "the virtual authenticator holds one discoverable credential for rpId localhost",
    );
    const listed = await page.evaluate(
      ([api, token]) => fetch(`${api}/passkeys`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json()),
      [api, accessToken],
    );
    check(listed.data?.length === 1 && listed.data[0].name === "Chromium virtual authenticator", "GET /passkeys lists it with its name");

    const out = await step("signOut", api, refreshToken);
    check(out.status === 200, "signs out (the session's refresh token is revoked)");

    const signedIn = await step("signInWithPasskey", api);
    check(signedIn.status === 200, `signs in with the passkey, no email typed (${signedIn.status} ${signedIn.body.code ?? ""})`);
    const token = claims(signedIn.body.data.accessToken);
    check(token.sub === user.id && JSON.stringify(token.amr) === '["webauthn"]', `the access token is the user's, amr ${JSON.stringify(token.amr)}`);
    const me = await step("me", api, signedIn.body.data.accessToken);
    check(me.status === 200 && me.body.data.email === email, "GET /me works with the passkey session");
    const counted = (await authenticator.credentials())[0].signCount;
    check(counted >= 1, `the authenticator signed (signCount ${counted})`);

    // The same page from an origin the project does not list: the browser still performs both ceremonies (rpId
    // localhost fits any localhost port), the server refuses them.
    await open(OTHER_ORIGIN);
    const wrongSignIn = await step("signInWithPasskey", api);
    check(
      wrongSignIn.status === 401 && wrongSignIn.body.code === "INVALID_CREDENTIALS",
      `sign-in from ${OTHER_ORIGIN} is refused (${wrongSignIn.status} ${wrongSignIn.body.code})`,
    );
    const other = await step("register", api, `other-${Date.now()}@example.com`, "a long user passphrase for the browser");
    const wrongAdd = await step("addPasskey", api, other.body.data.accessToken);
    check(
      wrongAdd.status === 400 && wrongAdd.body.code === "VALIDATION_ERROR",
      `registration from ${OTHER_ORIGIN} is refused (${wrongAdd.status} ${wrongAdd.body.code})`,
    );

    check(outside.length === 0, `no request left 127.0.0.1/localhost${outside.length ? `: ${outside.join(", ")}` : ""}`);
    check(pageErrors.length === 0, `no uncaught page errors${pageErrors.length ? `: ${pageErrors.join("; ")}` : ""}`);
  } finally {
    await browser.close();
    for (const p of pages) p.close();
  }
}

async function main() {
  const vars = generateDevVars();
  let server;
  try {
    server = await startWranglerDev({ port: API_PORT, persistTo: ".wrangler/passkeys-e2e-state", fresh: true, vars });
    console.log(`wrangler dev: ${server.url}`);
    await run(server.url, vars);
  } catch (err) {
    console.error(`e2e:passkeys failed: ${err.message}`);
    if (server) console.error(`last wrangler output:\n${server.output()}`);
    process.exitCode = 1;
  } finally {
    await server?.stop();
  }
  if (!process.exitCode) console.log("e2e:passkeys passed");
}

await main();
