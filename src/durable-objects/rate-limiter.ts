// One Durable Object per (scope, rule, subject): strongly consistent counters that every isolate
// shares and that survive restarts (they live in the object's storage, not in memory). Calls to
// one object run one at a time, so `take` checks and counts atomically.
import { DurableObject } from "cloudflare:workers";
import { KNOWN_ADDRESS_MAX, KNOWN_ADDRESS_MS } from "../config";

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
  /** Whether this call counted an event (false when refused, or exempt as a known address). */
  counted: boolean;
  /** On a refusal: whether it is the first of this block (only that one is audited). */
  firstRefusal: boolean;
}

interface State {
  windowStart: number;
  count: number;
  failures: number;
  lastFailure: number;
  blockedUntil: number;
  /** Which block (its window start or end of backoff) a refusal was last audited for. */
  auditedBlock: number;
  forgetAt: number;
}

type Known = Record<string, number>;

const EMPTY: State = { windowStart: 0, count: 0, failures: 0, lastFailure: 0, blockedUntil: 0, auditedBlock: -1, forgetAt: 0 };
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const allowed = (counted: boolean): Verdict => ({ allowed: true, retryAfter: 0, counted, firstRefusal: false });

export class RateLimiter extends DurableObject {
  private state: State | undefined;
  private known: Known | undefined;

  private async load(): Promise<State> {
    this.state ??= { ...EMPTY, ...(await this.ctx.storage.get<State>("state")) };
    return this.state;
  }

  private async loadKnown(): Promise<Known> {
    this.known ??= (await this.ctx.storage.get<Known>("known")) ?? {};
    return this.known;
  }

  private async save(state: State): Promise<void> {
    this.state = state;
    await this.ctx.storage.put("state", state);
    await this.schedule();
  }

  // Idle counters and stale addresses delete themselves, so storage does not grow with every IP ever seen.
  private async schedule(): Promise<void> {
    const times = [this.state?.forgetAt ?? 0, ...Object.values(this.known ?? {}).map((at) => at + KNOWN_ADDRESS_MS)].filter((t) => t > 0);
    if (times.length) await this.ctx.storage.setAlarm(Math.min(...times));
  }

  /** The block the subject is in at `now` (its identity and the seconds left), or null. */
  private block(rule: Rule, s: State, now: number): { id: number; retryAfter: number } | null {
    if (rule.kind === "backoff") return s.blockedUntil > now ? { id: s.blockedUntil, retryAfter: seconds(s.blockedUntil - now) } : null;
    const windowEnd = s.windowStart + rule.windowSeconds * 1000;
    return now < windowEnd && s.count >= rule.limit ? { id: s.windowStart, retryAfter: seconds(windowEnd - now) } : null;
  }

  private blockUntil(rule: BackoffRule, s: State): number {
    const over = s.failures - rule.freeFailures;
    return over > 0 ? s.lastFailure + Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** (over - 1)) * 1000 : 0;
  }

  /**
   * Counts one attempt unless the subject is blocked: the check and the count are one step, so
   * parallel requests cannot all pass before any is counted. A request from a `knownAddress`
   * passes without counting (account-wide rules only; the caller decides when to pass one).
   */
  async take(rule: Rule, now: number, knownAddress?: string): Promise<Verdict> {
    if (knownAddress) {
      const seen = (await this.loadKnown())[knownAddress];
      if (seen !== undefined && now - seen < KNOWN_ADDRESS_MS) return allowed(false);
    }
    const s = { ...(await this.load()) };
    const blocked = this.block(rule, s, now);
    if (blocked) {
      const firstRefusal = s.auditedBlock !== blocked.id;
      if (firstRefusal) await this.save({ ...s, auditedBlock: blocked.id });
      return { allowed: false, retryAfter: blocked.retryAfter, counted: false, firstRefusal };
    }
    if (rule.kind === "window") {
      if (now >= s.windowStart + rule.windowSeconds * 1000) Object.assign(s, { windowStart: now, count: 0 });
      s.count++;
      await this.save({ ...s, forgetAt: s.windowStart + rule.windowSeconds * 1000 });
      return allowed(true);
    }
    // A quiet spell as long as the longest block forgives earlier failures.
    if (now - s.lastFailure > rule.maxSeconds * 1000) s.failures = 0;
    s.failures++;
    s.lastFailure = now;
    s.blockedUntil = Math.max(s.blockedUntil, this.blockUntil(rule, s));
    await this.save({ ...s, forgetAt: now + rule.maxSeconds * 1000 * 2 });
    return allowed(true);
  }

  /**
   * Settles an attempt that `take` let through at `takenAt`: `refund` gives its count back (it was
   * no failure, or another rule refused the request); `rememberAddress` marks where the account signed in from.
   */
  async release(rule: Rule, takenAt: number, refund: boolean, rememberAddress?: string): Promise<void> {
    if (rememberAddress) await this.remember(rememberAddress, takenAt);
    const s = { ...(await this.load()) };
    if (refund && rule.kind === "window" && s.count > 0 && takenAt >= s.windowStart && takenAt < s.windowStart + rule.windowSeconds * 1000) s.count--;
    else if (refund && rule.kind === "backoff" && s.failures > 0) {
      s.failures--;
      s.blockedUntil = this.blockUntil(rule, s);
    } else return this.schedule();
    await this.save(s);
  }

  private async remember(address: string, now: number): Promise<void> {
    const known = { ...(await this.loadKnown()), [address]: now };
    const kept = Object.entries(known)
      .filter(([, at]) => now - at < KNOWN_ADDRESS_MS)
      .sort(([, a], [, b]) => b - a)
      .slice(0, KNOWN_ADDRESS_MAX);
    this.known = Object.fromEntries(kept);
    await this.ctx.storage.put("known", this.known);
  }

  /** Forgets the counters (after a successful login, a password reset, an owner's unlock); known addresses stay. */
  async reset(): Promise<void> {
    this.state = { ...EMPTY };
    await this.ctx.storage.delete("state");
  }

  override async alarm(): Promise<void> {
    // A second of slack, so an alarm that fires a hair early does not reschedule itself at once.
    const at = Date.now() + 1000;
    const s = await this.load();
    if (s.forgetAt <= at) {
      this.state = { ...EMPTY };
      await this.ctx.storage.delete("state");
    }
    const known = Object.fromEntries(Object.entries(await this.loadKnown()).filter(([, seen]) => at - seen < KNOWN_ADDRESS_MS));
    this.known = known;
    if (Object.keys(known).length) await this.ctx.storage.put("known", known);
    else await this.ctx.storage.delete("known");
    await this.schedule();
  }
}
