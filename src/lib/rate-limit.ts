// The rate-limit rules and the one way handlers apply them. Limits are per project (Admin API
// setting `rateLimits`, falling back to these defaults) and enforced by RateLimiter objects.
import type { Context } from "hono";
import type { Rule, Verdict } from "../durable-objects/rate-limiter";
import { insertAudit } from "../db/audit.repo";
import { ApiError } from "../errors";
import { now } from "./clock";
import { auditEntry, clientIp } from "./request-meta";
import type { AppEnv } from "./types";

export const DEFAULT_RULES = {
  /** Failed logins for one account from one IP: backoff, so a stranger elsewhere cannot lock the owner out for long. */
  "login.account_ip": { kind: "backoff", freeFailures: 5, baseSeconds: 2, maxSeconds: 900 },
  /** Failed logins for one account from anywhere: stops distributed guessing. */
  "login.account": { kind: "window", limit: 50, windowSeconds: 900 },
  /** Failed logins from one IP, whatever the account: stops password spraying. */
  "login.ip": { kind: "window", limit: 100, windowSeconds: 900 },
  "register.ip": { kind: "window", limit: 30, windowSeconds: 3600 },
  "refresh.session": { kind: "window", limit: 60, windowSeconds: 60 },
  "email.account": { kind: "window", limit: 5, windowSeconds: 3600 },
  "email.ip": { kind: "window", limit: 30, windowSeconds: 3600 },
  /** Social sign-in starts per IP: each one stores a pending state row. */
  "oauth.ip": { kind: "window", limit: 60, windowSeconds: 600 },
  "admin_login.account_ip": { kind: "backoff", freeFailures: 3, baseSeconds: 2, maxSeconds: 900 },
  "admin_login.account": { kind: "window", limit: 20, windowSeconds: 900 },
  "admin_login.ip": { kind: "window", limit: 50, windowSeconds: 900 },
} satisfies Record<string, Rule>;

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
  /** e.g. an IP, a normalized email, a session id; null skips the rule (e.g. no client IP). */
  key: string | null;
}

function stub(c: Context<AppEnv>, scope: string, s: Subject) {
  return c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(`${scope}|${s.rule}|${s.key}`));
}

async function block(c: Context<AppEnv>, scope: string, subject: Subject, verdict: Verdict): Promise<never> {
  await insertAudit(
    c.env.DB,
    auditEntry(c, {
      type: "ratelimit.block",
      outcome: "blocked",
      actorType: "anonymous",
      projectId: scope === "admin" ? null : scope,
      details: { rule: subject.rule, retryAfter: verdict.retryAfter },
    }),
  ).run();
  throw new ApiError("RATE_LIMITED", `Too many requests; try again in ${verdict.retryAfter} s`, { headers: { "Retry-After": String(verdict.retryAfter) } });
}

/**
 * Applies rules for one request within `scope` (a project id, or "admin"): `peek` only checks,
 * `hit` also counts this request. The first refusal answers 429 with Retry-After and is audited.
 */
export async function limit(c: Context<AppEnv>, scope: string, mode: "peek" | "hit", subjects: Subject[], overrides?: RuleOverrides): Promise<void> {
  const live = subjects.filter((s) => s.key !== null);
  const t = now();
  const verdicts = await Promise.all(live.map((s) => stub(c, scope, s)[mode](ruleFor(s.rule, overrides), t)));
  const refused = verdicts.findIndex((v) => !v.allowed);
  if (refused >= 0) await block(c, scope, live[refused]!, verdicts[refused]!);
}

/** Forgets subjects, e.g. the account+IP backoff after a successful login. */
export async function forget(c: Context<AppEnv>, scope: string, subjects: Subject[]): Promise<void> {
  await Promise.all(subjects.filter((s) => s.key !== null).map((s) => stub(c, scope, s).reset()));
}

/** The login subjects for an account (normalized email) from this request's IP. */
export function loginSubjects(c: Context<AppEnv>, prefix: "login" | "admin_login", email: string): Subject[] {
  const ip = clientIp(c);
  return [
    { rule: `${prefix}.account_ip`, key: ip ? `${email}|${ip}` : email },
    { rule: `${prefix}.account`, key: email },
    { rule: `${prefix}.ip`, key: ip },
  ];
}
