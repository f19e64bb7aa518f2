// The few API calls the bench makes outside the measurements (setup, seeding checks), in the envelope.

/**
 * wrangler 4.86's dev proxy answers this 503 itself when its pooled connection to the worker closes
 * under a request (kj's two 5 s idle timers; cloudflare/workers-sdk#14641, retried since PR #15252).
 * It happens when requests queue for about 5 s, as POSTs bound by scrypt do with many connections.
 */
export const isDevProxyDrop = (status, body) => status === 503 && String(body).startsWith("Your worker restarted mid-request");

export class ApiClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.adminSession = null;
  }

  /**
   * The body of a 2xx envelope ({success, data, meta?}); anything else throws with the status and error code.
   * wrangler dev's own proxy sometimes drops a POST with a 503 (see isDevProxyDrop); those are retried.
   */
  async call(method, path, options = {}) {
    for (let attempt = 1; ; attempt++) {
      const { status, text } = await this.send(method, path, options);
      if (isDevProxyDrop(status, text) && attempt < 4) continue;
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      if (status < 200 || status > 299 || !json?.success)
        throw new Error(`${method} ${path} → ${status} ${json?.code ?? ""} ${json?.error ?? text.slice(0, 200)}`.trim());
      return json;
    }
  }

  async send(method, path, { body, headers = {}, admin = false }) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(admin ? { "X-Admin-Session": this.adminSession } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    return { status: res.status, text: await res.text() };
  }

  async adminLogin(email, password) {
    const { data } = await this.call("POST", "/api/admin/login", { body: { email, password } });
    this.adminSession = data.sessionToken;
    return data;
  }

  async createProject(id) {
    const { data } = await this.call("POST", "/api/admin/projects", {
      admin: true,
      body: { id, name: `Bench ${id}`, environment: "development", description: "Created by npm run bench" },
    });
    return data;
  }

  /** Counts a project's users by walking every page (100 per page). */
  async countUsers(projectId) {
    let count = 0;
    let cursor = null;
    do {
      const query = new URLSearchParams({ limit: "100", ...(cursor ? { cursor } : {}) });
      const page = await this.call("GET", `/api/admin/projects/${projectId}/users?${query}`, { admin: true });
      count += page.data.length;
      cursor = page.meta?.nextCursor ?? null;
    } while (cursor);
    return count;
  }

  async register(projectId, user) {
    return (await this.call("POST", `/api/auth/${projectId}/register`, { body: user })).data;
  }

  async login(projectId, email, password) {
    return (await this.call("POST", `/api/auth/${projectId}/login`, { body: { email, password } })).data;
  }
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at a time; resolves to the results in order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
