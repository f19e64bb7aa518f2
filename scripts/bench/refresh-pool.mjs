// Fresh refresh tokens for POST /refresh, one per request. Every refresh rotates, so each answer
// carries the session's next never-used token: sessions are chained, not re-minted by logins.
// The API allows 60 refreshes per session per minute (rule refresh.session), so each session
// is used at most USES_PER_SESSION times and enough sessions are minted up front.
export const USES_PER_SESSION = 50;

export class RefreshPool {
  constructor(tokens) {
    this.queue = tokens.map((token) => ({ token, uses: 0 }));
    this.sessions = tokens.length;
    this.retired = 0;
    this.broken = 0;
    this.dry = 0;
    this.onDry = null;
  }

  /** Refreshes the pool can still serve without ever running dry with `connections` requests in flight. */
  safeAmount(connections) {
    const remaining = this.queue.reduce((sum, s) => sum + (USES_PER_SESSION - s.uses), 0);
    return Math.max(0, remaining - connections * USES_PER_SESSION);
  }

  /** An autocannon request whose every request presents the next unused token (FIFO over sessions). */
  request(path) {
    return {
      method: "POST",
      path,
      headers: { "Content-Type": "application/json" },
      setupRequest: (req, context) => {
        const session = this.queue.shift();
        context.session = session;
        if (!session) {
          // Only reachable after failed refreshes broke chains: end the run, send a token that is sure to fail.
          this.dry++;
          this.onDry?.();
          return { ...req, body: JSON.stringify({ refreshToken: "rt_bench_pool_ran_dry" }) };
        }
        return { ...req, body: JSON.stringify({ refreshToken: session.token }) };
      },
      onResponse: (status, body, context) => {
        const session = context.session;
        if (!session) return;
        context.session = undefined;
        const next = status === 200 ? safeJson(body)?.data?.refreshToken : undefined;
        if (!next) {
          this.broken++;
          return;
        }
        session.token = next;
        session.uses++;
        if (session.uses < USES_PER_SESSION) this.queue.push(session);
        else this.retired++;
      },
    };
  }

  stats() {
    return { sessions: this.sessions, usesPerSessionCap: USES_PER_SESSION, retiredSessions: this.retired, brokenChains: this.broken, ranDry: this.dry };
  }
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
