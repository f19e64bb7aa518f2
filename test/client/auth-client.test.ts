// The session client against the real Worker: its fetch is the Worker's (every answer contract-checked),
// the clock is faked for both (they share the isolate), and each test counts what reached /refresh.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AuthChangeEvent, type AuthStorage, createAuthClient, memoryStorage } from "../../src/client";
import { ACCESS_TOKEN_CLOCK_TOLERANCE_S } from "../../src/config";
import { BASE_URL, api, call } from "../helpers/client";
import { fakeClock } from "../helpers/clock";
import { PASSWORD, createProject, uniqueId, tokensOf } from "../helpers/fixtures";
import { APP_REDIRECT, StubProvider, appRedirect, callback, installFetchStub, projectWithProvider, s256 } from "../oauth/stub-provider";

const TTL = 60;
// Past the token's exp and the server's clock tolerance: the server itself calls it expired.
const EXPIRED = (TTL + ACCESS_TOKEN_CLOCK_TOLERANCE_S + 1) * 1000;
const PAST_GRACE = 11_000;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The Worker's fetch, recording each request's method and path. */
function worker() {
  const seen: string[] = [];
  const fetch = (request: Request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname.replace(/^\/api\/auth\/[^/]+/, "")}`);
    return call(request);
  };
  return { fetch, seen, count: (what: string) => seen.filter((s) => s === what).length };
}

/** A client of a fresh 60-second-token project, with its events and a signed-up user. */
async function signedIn(opts: { storage?: AuthStorage; projectId?: string } = {}) {
  const projectId = opts.projectId ?? (await createProject({ accessTokenTtl: TTL }));
  const w = worker();
  const auth = createAuthClient({ baseUrl: BASE_URL, projectId, storage: opts.storage, fetch: w.fetch });
  const events: AuthChangeEvent[] = [];
  auth.onAuthStateChange((event) => events.push(event));
  const email = `${uniqueId("kit")}@example.com`;
  const up = await auth.signUp({ email, password: PASSWORD, displayName: "Kit User" });
  expect(up.error).toBeNull();
  return { projectId, auth, events, email, ...w };
}

/** Another tab: its own adapter object over the same items (as two tabs' localStorage). */
const otherTab = (items: AuthStorage): AuthStorage => ({ get: (k) => items.get(k), set: (k, v) => items.set(k, v), remove: (k) => items.remove(k) });

describe("createAuthClient", () => {
  it("signs up, signs in, refreshes transparently at expiry, and signs out when the server detects reuse", async () => {
    const clock = fakeClock();
    const { auth, events, email, count, projectId } = await signedIn();
    expect(events).toEqual(["SIGNED_IN"]);

    const signIn = await auth.signIn({ email, password: PASSWORD });
    expect(tokensOf(signIn.data!).user.email).toBe(email);
    expect(events).toEqual(["SIGNED_IN", "SIGNED_IN"]);
    const wrong = await auth.signIn({ email, password: "not-the-password" });
    expect(wrong).toMatchObject({ data: null, error: { status: 401, code: "INVALID_CREDENTIALS" } });

    const me = await auth.getUser();
    expect(me.data).toMatchObject({ email, displayName: "Kit User" });
    expect(count("POST /refresh")).toBe(0);

    const before = (await auth.getSession())!;
    clock.tick(EXPIRED);
    const after = await auth.getUser();
    expect(after.data?.email).toBe(email);
    expect(count("POST /refresh")).toBe(1);
    expect(events).toEqual(["SIGNED_IN", "SIGNED_IN", "TOKEN_REFRESHED"]);
    const rotated = (await auth.getSession())!;
    expect(rotated.refreshToken).not.toBe(before.refreshToken);
    expect(await auth.getAccessToken()).toBe(rotated.accessToken);

    // Someone presents the spent token after the grace window: the server revokes the whole session.
    clock.tick(PAST_GRACE);
    const stolen = await api.POST("/api/auth/{projectId}/refresh", { params: { path: { projectId } }, body: { refreshToken: before.refreshToken } });
    expect(stolen.error).toMatchObject({ code: "REFRESH_TOKEN_REUSED" });

    // The client's still-unexpired access token is refused (INVALID_TOKEN), its refresh too: signed out.
    const revoked = await auth.getUser();
    expect(revoked).toMatchObject({ data: null, error: { status: 401, code: "INVALID_TOKEN" } });
    expect(events.at(-1)).toBe("SIGNED_OUT");
    expect(await auth.getSession()).toBeNull();
    expect(await auth.getAccessToken()).toBeNull();
  });

  it("says SIGNED_OUT when its own refresh is answered REFRESH_TOKEN_REUSED", async () => {
    const clock = fakeClock();
    const storage = memoryStorage();
    const { auth, events, count, projectId } = await signedIn({ storage });
    const key = `edge-auth.${projectId}.session`;
    const backup = (await storage.get(key))!;
    clock.tick(EXPIRED);
    expect(await auth.getAccessToken()).not.toBeNull();
    // A stale copy of the session (a restored backup) comes back after the grace window.
    clock.tick(PAST_GRACE);
    await storage.set(key, backup);
    clock.tick(EXPIRED);
    expect(await auth.getAccessToken()).toBeNull();
    expect(count("POST /refresh")).toBe(2);
    expect(events).toEqual(["SIGNED_IN", "TOKEN_REFRESHED", "SIGNED_OUT"]);
    expect(await storage.get(key)).toBeNull();
  });

  it("makes exactly one POST /refresh for 50 concurrent calls with an expired token", async () => {
    const clock = fakeClock();
    const { auth, count, email, projectId } = await signedIn();
    clock.tick(EXPIRED);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? auth.getUser().then((r) => r.data?.email)
          : auth.api.GET("/api/auth/{projectId}/me", { params: { path: { projectId } } }).then((r) => r.data?.data.email),
      ),
    );
    expect(results).toEqual(Array(50).fill(email));
    expect(count("POST /refresh")).toBe(1);
    expect(count("GET /me")).toBe(50);
  });

  it("refreshes and replays (body and all) a request answered 401 TOKEN_EXPIRED, once", async () => {
    const clock = fakeClock();
    const storage = memoryStorage();
    const { auth, seen, projectId } = await signedIn({ storage });
    const key = `edge-auth.${projectId}.session`;
    // This device's clock is behind: it believes the token is good for another hour.
    const session = JSON.parse((await storage.get(key))!);
    await storage.set(key, JSON.stringify({ ...session, expiresAt: Date.now() + 3600_000 }));
    clock.tick(EXPIRED);
    seen.length = 0;
    const updated = await auth.updateUser({ displayName: "Replayed Name" });
    expect(updated.error).toBeNull();
    expect(updated.data?.displayName).toBe("Replayed Name");
    expect(seen).toEqual(["PATCH /me", "POST /refresh", "PATCH /me"]);
  });

  it("keeps two tabs sharing one storage signed in through concurrent refreshes (the server's grace window)", async () => {
    const clock = fakeClock();
    const items = memoryStorage();
    const a = await signedIn({ storage: otherTab(items) });
    const w = worker();
    const b = createAuthClient({ baseUrl: BASE_URL, projectId: a.projectId, storage: otherTab(items), fetch: w.fetch });
    const bEvents: AuthChangeEvent[] = [];
    b.onAuthStateChange((e) => bEvents.push(e));
    expect((await b.getUser()).data?.email).toBe(a.email);

    clock.tick(EXPIRED);
    const [ra, rb] = await Promise.all([a.auth.getUser(), b.getUser()]);
    expect([ra.data?.email, rb.data?.email]).toEqual([a.email, a.email]);
    // Both presented the same refresh token at once (no shared flight between tabs): both succeeded.
    expect(a.count("POST /refresh") + w.count("POST /refresh")).toBe(2);

    // Later, one tab refreshes and the other finds the new token in storage instead of reusing the old one.
    clock.tick(EXPIRED);
    expect((await a.auth.getUser()).data?.email).toBe(a.email);
    expect((await b.getUser()).data?.email).toBe(a.email);
    expect(a.count("POST /refresh") + w.count("POST /refresh")).toBe(3);
    clock.tick(PAST_GRACE);
    expect((await a.auth.getUser()).error).toBeNull();
    expect((await b.getUser()).error).toBeNull();
    expect(a.events).not.toContain("SIGNED_OUT");
    expect(bEvents).not.toContain("SIGNED_OUT");
    const sessions = await b.listSessions();
    expect(sessions.data).toHaveLength(1);
  });

  it("tells another tab through BroadcastChannel: SIGNED_IN, TOKEN_REFRESHED, SIGNED_OUT", async () => {
    // An in-process BroadcastChannel (workerd has none): delivers to every other channel of the name, as browsers do.
    const open: Array<{ name: string; onmessage: ((e: unknown) => void) | null }> = [];
    class Channel {
      onmessage: ((e: unknown) => void) | null = null;
      constructor(readonly name: string) {
        open.push(this);
      }
      postMessage(data: unknown) {
        for (const c of open) if (c !== this && c.name === this.name) queueMicrotask(() => c.onmessage?.({ data }));
      }
    }
    vi.stubGlobal("BroadcastChannel", Channel);
    try {
      const clock = fakeClock();
      const items = memoryStorage();
      const projectId = await createProject({ accessTokenTtl: TTL });
      const b = createAuthClient({ baseUrl: BASE_URL, projectId, storage: otherTab(items), fetch: worker().fetch });
      const bEvents: AuthChangeEvent[] = [];
      b.onAuthStateChange((e) => bEvents.push(e));
      await b.getSession();
      const a = await signedIn({ storage: otherTab(items), projectId });
      await vi.waitFor(() => expect(bEvents).toEqual(["SIGNED_IN"]));
      clock.tick(EXPIRED);
      expect(await a.auth.getAccessToken()).not.toBeNull();
      await vi.waitFor(() => expect(bEvents).toEqual(["SIGNED_IN", "TOKEN_REFRESHED"]));
      await a.auth.signOut();
      await vi.waitFor(() => expect(bEvents).toEqual(["SIGNED_IN", "TOKEN_REFRESHED", "SIGNED_OUT"]));
      expect(open.length).toBe(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("shares one refresh between clients of the same storage object and tells the other client", async () => {
    const clock = fakeClock();
    const storage = memoryStorage();
    const a = await signedIn({ storage });
    const b = createAuthClient({ baseUrl: BASE_URL, projectId: a.projectId, storage, fetch: a.fetch });
    const bEvents: AuthChangeEvent[] = [];
    b.onAuthStateChange((e) => bEvents.push(e));
    await b.getSession();
    clock.tick(EXPIRED);
    const [ra, rb] = await Promise.all([a.auth.getUser(), b.getUser()]);
    expect([ra.error, rb.error]).toEqual([null, null]);
    expect(a.count("POST /refresh")).toBe(1);
    await vi.waitFor(() => expect(bEvents).toEqual(["TOKEN_REFRESHED"]));
    const out = await a.auth.signOut();
    expect(out.data).toEqual({ loggedOut: true });
    await vi.waitFor(() => expect(bEvents).toEqual(["TOKEN_REFRESHED", "SIGNED_OUT"]));
    expect(await b.getAccessToken()).toBeNull();
    expect(await b.getUser()).toMatchObject({ error: { status: 401, code: "UNAUTHORIZED" } });
  });

  it("signs out with SIGNED_OUT once the session reaches its absolute lifetime (TOKEN_EXPIRED on refresh)", async () => {
    const DAY = 24 * 3600 * 1000;
    const clock = fakeClock();
    const { auth, events, count } = await signedIn();
    for (let day = 0; day < 3; day++) {
      clock.tick(29 * DAY);
      expect(await auth.getAccessToken()).not.toBeNull();
    }
    clock.tick(4 * DAY);
    expect(await auth.getAccessToken()).toBeNull();
    expect(count("POST /refresh")).toBe(4);
    expect(events).toEqual(["SIGNED_IN", "TOKEN_REFRESHED", "TOKEN_REFRESHED", "TOKEN_REFRESHED", "SIGNED_OUT"]);
  });

  it("ends the current session through endSession and says SIGNED_OUT; lists sessions and changes the password", async () => {
    const { auth, events, email } = await signedIn();
    const changed = await auth.changePassword({ currentPassword: PASSWORD, newPassword: "another strong passphrase" });
    expect(changed.data).toEqual({ otherSessionsEnded: 0 });
    const sessions = await auth.listSessions();
    const current = sessions.data!.find((s) => s.current)!;
    expect(current).toBeDefined();
    const ended = await auth.endSession(current.id);
    expect(ended.error).toBeNull();
    expect(events).toEqual(["SIGNED_IN", "SIGNED_OUT"]);
    expect(await auth.getSession()).toBeNull();
    expect((await auth.signIn({ email, password: "another strong passphrase" })).error).toBeNull();
  });

  it("answers NETWORK_ERROR instead of throwing when the service cannot be reached", async () => {
    const auth = createAuthClient({ baseUrl: BASE_URL, projectId: "proj_x", fetch: () => Promise.reject(new TypeError("fetch failed")) });
    expect(await auth.signIn({ email: "a@example.com", password: "x" })).toMatchObject({ data: null, error: { status: 0, code: "NETWORK_ERROR" } });
  });

  it("builds the authorize URL with an S256 challenge of a stored verifier, and exchanges a real code with it", async () => {
    installFetchStub();
    const stub = new StubProvider();
    const { projectId } = await projectWithProvider(stub);
    const storage = memoryStorage();
    const w = worker();
    const auth = createAuthClient({ baseUrl: BASE_URL, projectId, storage, fetch: w.fetch });
    const url = new URL(await auth.oauthAuthorizeUrl({ provider: "corp", redirectUri: APP_REDIRECT, state: "s1" }));
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE_URL}/api/auth/${projectId}/oauth/corp/authorize`);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe(APP_REDIRECT);
    const stored = JSON.parse((await storage.get(`edge-auth.${projectId}.pkce`))!);
    expect(stored.verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(url.searchParams.get("code_challenge")).toBe(await s256(stored.verifier));

    // The browser follows the URL, signs in at the provider and comes back with a code.
    const started = await call(url.toString(), { redirect: "manual" });
    expect(started.status).toBe(302);
    stub.authorize = new URL(started.headers.get("location")!).searchParams;
    const back = appRedirect(await callback(projectId, { code: "provider-code", state: stub.authorize.get("state")! }));
    expect(back.get("state")).toBe("s1");
    const signedIn = await auth.exchangeOAuthCode(back.get("code")!);
    expect(tokensOf(signedIn.data!).user.email).toBe("user@example.com");
    expect(await auth.getAccessToken()).toBe(tokensOf(signedIn.data!).accessToken);
    expect(await storage.get(`edge-auth.${projectId}.pkce`)).toBeNull();
    expect(await auth.exchangeOAuthCode("oc_again")).toMatchObject({ error: { code: "INVALID_GRANT" } });
  });
});
