// One Durable Object per (scope, rule, subject): strongly consistent counters that every isolate
// shares and that survive restarts (they live in the object's storage, not in memory).
import { DurableObject } from "cloudflare:workers";

/** At most `limit` events per fixed window of `windowSeconds`. */
export interface WindowRule {
  kind: "window";
  limit: number;
  windowSeconds: number;
}

/** After `freeFailures`, each further failure doubles a block starting at `baseSeconds`, capped at `maxSeconds`. */
export interface BackoffRule {
  kind: "backoff";
  freeFailures: number;
  baseSeconds: number;
  maxSeconds: number;
}

export type Rule = WindowRule | BackoffRule;

export interface Verdict {
  allowed: boolean;
  /** Seconds until the subject may try again; 0 when allowed. */
  retryAfter: number;
}

interface State {
  windowStart: number;
  count: number;
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

const EMPTY: State = { windowStart: 0, count: 0, failures: 0, lastFailure: 0, blockedUntil: 0 };
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export class RateLimiter extends DurableObject {
  private state: State | undefined;

  private async load(): Promise<State> {
    this.state ??= (await this.ctx.storage.get<State>("state")) ?? { ...EMPTY };
    return this.state;
  }

  private async save(state: State, forgetAt: number): Promise<void> {
    this.state = state;
    await this.ctx.storage.put("state", state);
    // Idle counters delete themselves, so storage does not grow with every IP ever seen.
    await this.ctx.storage.setAlarm(forgetAt);
  }

  private verdict(rule: Rule, s: State, now: number): Verdict {
    if (rule.kind === "backoff") return s.blockedUntil > now ? { allowed: false, retryAfter: seconds(s.blockedUntil - now) } : { allowed: true, retryAfter: 0 };
    const windowEnd = s.windowStart + rule.windowSeconds * 1000;
    if (now < windowEnd && s.count >= rule.limit) return { allowed: false, retryAfter: seconds(windowEnd - now) };
    return { allowed: true, retryAfter: 0 };
  }

  /** Whether the subject may proceed at `now`, without counting anything. */
  async peek(rule: Rule, now: number): Promise<Verdict> {
    return this.verdict(rule, await this.load(), now);
  }

  /** Counts one event (an attempt, or a failure for backoff rules) unless already blocked. */
  async hit(rule: Rule, now: number): Promise<Verdict> {
    const s = { ...(await this.load()) };
    const before = this.verdict(rule, s, now);
    if (!before.allowed) return before;
    if (rule.kind === "window") {
      if (now >= s.windowStart + rule.windowSeconds * 1000) Object.assign(s, { windowStart: now, count: 0 });
      s.count++;
      await this.save(s, s.windowStart + rule.windowSeconds * 1000);
      return { allowed: true, retryAfter: 0 };
    }
    // A quiet spell as long as the longest block forgives earlier failures.
    if (now - s.lastFailure > rule.maxSeconds * 1000) s.failures = 0;
    s.failures++;
    s.lastFailure = now;
    const over = s.failures - rule.freeFailures;
    if (over > 0) s.blockedUntil = now + Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** (over - 1)) * 1000;
    await this.save(s, now + rule.maxSeconds * 1000 * 2);
    return { allowed: true, retryAfter: 0 };
  }

  /** Forgets the subject (after a successful login or a password reset). */
  async reset(): Promise<void> {
    this.state = { ...EMPTY };
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    this.state = undefined;
    await this.ctx.storage.deleteAll();
  }
}
