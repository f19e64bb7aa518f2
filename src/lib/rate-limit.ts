// The rate-limit rules and the one way handlers apply them. Limits are per project (Admin API
// setting `rateLimits`, falling back to these defaults) and enforced by RateLimiter objects, except
// refresh.session, which the session row counts in the rotation's own batch (refreshWindow below).
import type { Context } from "hono";
import { DEFAULT_RULES } from "../config";
import type { Rule, Verdict } from "../durable-objects/rate-limiter";
import { insertAudit } from "../db/audit.repo";
import type { RefreshWindow } from "../db/sessions.repo";
import { ApiError } from "../errors";
import { now } from "./clock";
import { auditEntry, clientBucket } from "./request-meta";
import type { AppEnv } from "./types";

export type RuleName = keyof typeof DEFAULT_RULES;
export type RuleOverrides = Partial<Record<RuleName, Rule>>;

export const RULE_NAMES = Object.keys(DEFAULT_RULES) as RuleName[];

/** A project's stored `rate_limits` JSON; unknown names are ignored. */
export function overridesOf(json: string | null | undefined): RuleOverrides {
  try {
    const parsed = JSON.parse(json ?? "{}") as Record<string, Rule>;
    return Object.fromEntries(Object.entries(parsed).filter(([name]) => name in DEFAULT_RULES)) as RuleOverrides;
  } catch {
    return {};
  }
}

/** The effective rule: the project's override when it has one. */
export function ruleFor(name: RuleName, overrides: RuleOverrides = {}): Rule {
  return overrides[name] ?? DEFAULT_RULES[name];
}

export interface Subject {
  rule: RuleName;
  /** e.g. an IP bucket, a normalized email, a session id; null skips the rule (e.g. no client IP). */
  key: string | null;
  /** Account-wide rules: this request's IP bucket, exempt when the account signed in from it before, remembered on success. */
  knownAddress?: string | null;
}

/** The attempts `take` counted for one request, to settle once its outcome is known. */
export interface Held {
  scope: string;
  at: number;
  overrides: RuleOverrides | undefined;
  taken: { subject: Subject; counted: boolean }[];
}

function stub(c: Context<AppEnv>, scope: string, s: Subject) {
  return c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(`${scope}|${s.rule}|${s.key}`));
}

/** The audit entry of a block: written for its first refusal only, so a flood of refusals adds no rows. */
export const blockAudit = (c: Context<AppEnv>, scope: string, rule: RuleName, retryAfter: number) =>
  auditEntry(c, {
    type: "ratelimit.block",
    outcome: "blocked",
    actorType: "anonymous",
    projectId: scope === "admin" ? null : scope,
    details: { rule, retryAfter },
  });

/** 429 RATE_LIMITED, with Retry-After in seconds. */
export const rateLimited = (retryAfter: number) =>
  new ApiError("RATE_LIMITED", `Too many requests; try again in ${retryAfter} s`, { headers: { "Retry-After": String(retryAfter) } });

/** 429 with Retry-After; audited once per block (its first refusal). */
async function block(c: Context<AppEnv>, scope: string, refusals: { subject: Subject; verdict: Verdict }[]): Promise<never> {
  const retryAfter = Math.max(...refusals.map((r) => r.verdict.retryAfter));
  const fresh = refusals.filter((r) => r.verdict.firstRefusal);
  if (fresh.length) {
    await c.env.DB.batch(fresh.map(({ subject, verdict }) => insertAudit(c.env.DB, blockAudit(c, scope, subject.rule, verdict.retryAfter))));
  }
  throw rateLimited(retryAfter);
}

/**
 * refresh.session as the session row counts it (src/db/sessions.repo.ts): a window rule. A
 * backoff override (the API no longer accepts one for this rule) falls back to the default.
 */
export function refreshWindow(overrides?: RuleOverrides): RefreshWindow {
  const rule = ruleFor("refresh.session", overrides);
  const { limit, windowSeconds } = rule.kind === "window" ? rule : DEFAULT_RULES["refresh.session"];
  return { limit, windowMs: windowSeconds * 1000 };
}

/**
 * Counts this request against every rule before any costly work, check and count in one step
 * per rule, so parallel requests cannot all slip past; refused (429, Retry-After) when any rule
 * is over, and then nothing stays counted. `scope` is a project id, or "admin".
 */
export async function take(c: Context<AppEnv>, scope: string, subjects: Subject[], overrides?: RuleOverrides): Promise<Held> {
  const live = subjects.filter((s) => s.key !== null);
  const at = now();
  const verdicts = await Promise.all(live.map((s) => stub(c, scope, s).take(ruleFor(s.rule, overrides), at, s.knownAddress ?? undefined)));
  const held: Held = { scope, at, overrides, taken: live.map((subject, i) => ({ subject, counted: verdicts[i]!.counted })) };
  const refusals = live.flatMap((subject, i) => (verdicts[i]!.allowed ? [] : [{ subject, verdict: verdicts[i]! }]));
  if (refusals.length) {
    await Promise.all(held.taken.filter((t) => t.counted).map((t) => stub(c, scope, t.subject).release(ruleFor(t.subject.rule, overrides), at, true)));
    await block(c, scope, refusals);
  }
  return held;
}

/** Counts one request (e.g. a registration, an email sent) and refuses it when over a rule. */
export async function limit(c: Context<AppEnv>, scope: string, subjects: Subject[], overrides?: RuleOverrides): Promise<void> {
  await take(c, scope, subjects, overrides);
}

/**
 * The attempt proved the password: backoff rules forgive the account+IP, window rules get their
 * slot back, and account-wide rules remember the address (so strangers cannot lock it out).
 */
export async function succeeded(c: Context<AppEnv>, held: Held): Promise<void> {
  await Promise.all(
    held.taken.map(({ subject, counted }) => {
      const rule = ruleFor(subject.rule, held.overrides);
      const object = stub(c, held.scope, subject);
      return rule.kind === "backoff" ? object.reset() : object.release(rule, held.at, counted, subject.knownAddress ?? undefined);
    }),
  );
}

/** Forgets subjects' counters, e.g. an account's failed logins after a password reset. */
export async function forget(c: Context<AppEnv>, scope: string, subjects: Subject[]): Promise<void> {
  await Promise.all(subjects.filter((s) => s.key !== null).map((s) => stub(c, scope, s).reset()));
}

/** The login subjects for an account (normalized email) from this request's IP bucket. */
export function loginSubjects(c: Context<AppEnv>, prefix: "login" | "admin_login", email: string): Subject[] {
  const ip = clientBucket(c);
  return [
    { rule: `${prefix}.account_ip`, key: ip ? `${email}|${ip}` : email },
    { rule: `${prefix}.account`, key: email, knownAddress: ip },
    { rule: `${prefix}.ip`, key: ip },
  ];
}

/** An anonymous request presented a token we do not know: counted per IP (probe.ip) before it is audited. */
export async function unknownToken(c: Context<AppEnv>, project: { id: string; rate_limits: string | null }): Promise<void> {
  await limit(c, project.id, [{ rule: "probe.ip", key: clientBucket(c) }], overridesOf(project.rate_limits));
}
