import { z } from "@hono/zod-openapi";
import { AUDIT_RETENTION_DAYS_RANGE } from "../config";
import { RULE_NAMES, type RuleName } from "../lib/rate-limit";
import { PageQuery, searchQuery } from "./envelope";

export const PROJECT_ID_PATTERN = /^[a-z0-9][a-z0-9_]{1,47}$/;

/** The id a project gets from its name: `New Project` → `new_project` (accents dropped, other runs → `_`). */
export const projectSlug = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+/, "")
    .slice(0, 48)
    .replace(/_+$/, "");

export const EnvironmentSchema = z.enum(["development", "staging", "production"]).openapi("Environment");

const INCLUDE_PROFILE_CLAIMS =
  "`true` (default): access tokens carry `email`, `email_verified` and `app_metadata` besides the registered claims, so a resource server can authorise without calling us. `false`: only `iss`, `aud`, `sub`, `sid`, `iat`, `exp` (smaller tokens, no personal data in them).";

const NameSchema = z.string().trim().min(1).max(100).openapi({ example: "Mobile App" });
const DescriptionSchema = z.string().trim().max(500).openapi({ example: "iOS and Android apps" });

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const parseUrl = (text: string): URL | null => (URL.canParse(text) ? new URL(text) : null);
// Plain http only for local development; anything reachable by others must be https.
const secureOrLocal = (url: URL) => url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));

const OriginSchema = z
  .string()
  .max(255)
  .refine((text) => {
    const url = parseUrl(text);
    return url !== null && secureOrLocal(url) && url.origin === text;
  }, "must be an origin like https://app.example.com: https (http only for localhost), lower-case host, optional port, no path or trailing slash")
  .openapi({ example: "https://app.example.com" });

const RedirectUrlSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    const url = parseUrl(text);
    return url !== null && secureOrLocal(url) && !url.username && !url.password && !text.includes("#");
  }, "must be an absolute https URL (http only for localhost or 127.0.0.1) without credentials or a fragment")
  .openapi({ example: "https://app.example.com/auth/callback" });

// The hosted sign-in page's look: a logo only over https (it is loaded by the page, under its CSP) and a hex colour.
const LogoUrlSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    const url = parseUrl(text);
    return url !== null && url.protocol === "https:" && !url.username && !url.password;
  }, "must be an absolute https URL without credentials")
  .openapi({ description: "Logo shown on the hosted sign-in page: an https URL.", example: "https://app.example.com/logo.svg" });
const AccentColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1a73e8")
  .openapi({ description: "Accent colour of the hosted sign-in page's buttons and links, `#rrggbb`.", example: "#1a73e8" });

export const BrandingSchema = z
  .object({ logoUrl: z.string().optional(), accentColor: z.string().optional() })
  .openapi("Branding", { description: "The hosted sign-in page's look; absent fields use the defaults (no logo, the default accent colour)." });

const BrandingSettingsSchema = z
  .object({ logoUrl: LogoUrlSchema.optional(), accentColor: AccentColorSchema.optional() })
  .strict()
  .openapi("BrandingSettings", { example: { logoUrl: "https://app.example.com/logo.svg", accentColor: "#1a73e8" } });

const BrandingChangesSchema = z
  .object({ logoUrl: LogoUrlSchema.nullable().optional(), accentColor: AccentColorSchema.nullable().optional() })
  .strict()
  .openapi("BrandingChanges", {
    description: "Fields given are set, `null` clears one, absent ones stay.",
    example: { accentColor: "#1a73e8", logoUrl: null },
  });

export const MfaPolicySchema = z.enum(["optional", "required"]).openapi("MfaPolicy", {
  description:
    '`optional` (default): users may add a second factor (TOTP, passkeys); those who did are asked for it at sign-in. `required`: besides that, a user who has none gets a restricted session (access tokens with `restricted: "mfa_enrollment"`) that can only enroll one (README, "Second factors").',
});

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Whether `origin`'s host is `rpId` or a subdomain of it (WebAuthn's rule for which origins may use an RP ID). */
const originFitsRpId = (origin: string, rpId: string) => {
  const host = parseUrl(origin)?.hostname;
  return host !== undefined && (host === rpId || host.endsWith(`.${rpId}`));
};

export const WebAuthnSettingsSchema = z
  .object({
    rpId: z
      .string()
      .max(253)
      .regex(HOSTNAME, "must be a lower-case host name without scheme or port, like example.com (or localhost)")
      .openapi({ description: "The relying party id: the app's registrable domain (passkeys are bound to it).", example: "example.com" }),
    rpName: z.string().trim().min(1).max(100).openapi({ description: "Shown by the authenticator when a passkey is created.", example: "Example App" }),
    origins: z
      .array(OriginSchema)
      .min(1)
      .max(20)
      .openapi({
        description: "The exact origins passkey ceremonies may come from; each host must be `rpId` or a subdomain of it.",
        example: ["https://app.example.com"],
      }),
  })
  .strict()
  .superRefine((settings, ctx) => {
    settings.origins.forEach((origin, index) => {
      if (!originFitsRpId(origin, settings.rpId))
        ctx.addIssue({ code: "custom", path: ["origins", index], message: `host must be ${settings.rpId} or a subdomain of it` });
    });
  })
  .openapi("WebAuthnSettings");

const WindowRuleSchema = z
  .object({ kind: z.literal("window"), limit: z.number().int().min(1).max(1_000_000), windowSeconds: z.number().int().min(1).max(86_400) })
  .strict()
  .openapi("WindowRule", { description: "At most `limit` events per fixed window of `windowSeconds`." });
const BackoffRuleSchema = z
  .object({
    kind: z.literal("backoff"),
    freeFailures: z.number().int().min(0).max(1000),
    baseSeconds: z.number().int().min(1).max(3600),
    maxSeconds: z.number().int().min(1).max(86_400),
  })
  .strict()
  .openapi("BackoffRule", { description: "After `freeFailures`, each failure doubles a block starting at `baseSeconds`, at most `maxSeconds`." });
export const RateRuleSchema = z.discriminatedUnion("kind", [WindowRuleSchema, BackoffRuleSchema]).openapi("RateRule");

/** Rule name → rule; the names are those of DEFAULT_RULES (README, "Rate limits"). */
export const RateLimitsSchema = z
  .partialRecord(z.enum(RULE_NAMES as [RuleName, ...RuleName[]]), RateRuleSchema)
  // The session row counts refresh.session in the rotation's own batch (src/db/sessions.repo.ts): a fixed window only.
  .superRefine((rules, ctx) => {
    if (rules["refresh.session"] && rules["refresh.session"].kind !== "window")
      ctx.addIssue({ code: "custom", path: ["refresh.session", "kind"], message: "refresh.session takes a window rule only" });
  })
  .openapi("RateLimits");

export const ProjectSchema = z
  .object({
    id: z.string().openapi({ example: "mobile_app" }),
    name: z.string().openapi({ example: "Mobile App" }),
    description: z.string().openapi({ example: "iOS and Android apps" }),
    environment: EnvironmentSchema,
    enabled: z.boolean().openapi({ description: "A disabled project's Auth API answers 403 `PROJECT_DISABLED`, even for tokens already issued." }),
    accessTokenTtl: z.number().int().openapi({ description: "Access token lifetime in seconds.", example: 900 }),
    refreshTokenTtl: z
      .number()
      .int()
      .openapi({ description: "Refresh token lifetime in seconds: a session not refreshed for this long ends.", example: 2592000 }),
    sessionMaxAge: z.number().int().openapi({
      description: "Absolute session lifetime in seconds, counted from login: however often it is refreshed, a session then ends and the user logs in again.",
      example: 7776000,
    }),
    includeProfileClaims: z.boolean().openapi({ description: INCLUDE_PROFILE_CLAIMS }),
    mfa: MfaPolicySchema,
    webauthn: WebAuthnSettingsSchema.nullable().openapi({ description: "Passkey settings; `null` (default): passkeys are off." }),
    passwordless: z.boolean().openapi({ description: "`true`: email one-time codes and magic links sign users in. Default `false`." }),
    allowSignUp: z.boolean().openapi({
      description: "`false`: no new accounts through register, social or passwordless sign-in (admins still create users). Default `true`.",
    }),
    corsOrigins: z.array(z.string()).openapi({ description: "Browser origins allowed to call the Auth API.", example: ["https://app.example.com"] }),
    redirectUrls: z
      .array(z.string())
      .openapi({ description: "URLs the service may redirect users back to.", example: ["https://app.example.com/auth/callback"] }),
    rateLimits: z
      .object(Object.fromEntries(RULE_NAMES.map((name) => [name, RateRuleSchema])) as Record<RuleName, typeof RateRuleSchema>)
      .openapi({ description: "Effective rate-limit rules: the project's overrides over the defaults." }),
    createdAt: z.string().datetime().openapi({ example: "2026-01-01T00:00:00.000Z" }),
    updatedAt: z.string().datetime().openapi({ example: "2026-01-02T00:00:00.000Z" }),
    auditRetentionDays: z
      .number()
      .int()
      .openapi({ description: "Audit rows of the project older than this many days are deleted (daily retention job). Default 90.", example: 90 }),
    branding: BrandingSchema,
  })
  .openapi("Project");

export const ListProjectsQuery = PageQuery.extend({
  environment: EnvironmentSchema.optional().openapi({ param: { name: "environment", in: "query", description: "Only projects of this environment." } }),
  enabled: z
    .enum(["true", "false"])
    .optional()
    .openapi({ param: { name: "enabled", in: "query", description: "`true`: only enabled projects; `false`: only disabled ones." } }),
  search: searchQuery("Substring of the id or name; case-insensitive (ASCII letters).", "mobile"),
});

export const CreateProjectRequest = z
  .object({
    name: NameSchema,
    environment: EnvironmentSchema,
    description: DescriptionSchema.optional(),
    id: z.string().regex(PROJECT_ID_PATTERN, "must be 2–48 characters of a-z, 0-9 and _, starting with a letter or digit").optional().openapi({
      description: "Immutable slug used in Auth API URLs. Defaults to one derived from `name` (`New Project` → `new_project`).",
      example: "new_project",
    }),
    branding: BrandingSettingsSchema.optional().openapi({ description: "The hosted sign-in page's logo and accent colour." }),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.id === undefined && !PROJECT_ID_PATTERN.test(projectSlug(body.name))) {
      ctx.addIssue({ code: "custom", path: ["id"], message: "cannot be derived from this name (needs 2+ letters or digits); give an id" });
    }
  })
  .openapi("CreateProjectRequest", { example: { name: "New Project", environment: "development", description: "My new project" } });

export const UpdateProjectRequest = z
  .object({
    name: NameSchema.optional(),
    description: DescriptionSchema.optional(),
    environment: EnvironmentSchema.optional(),
    enabled: z.boolean().optional().openapi({ description: "`false` stops the project's Auth API at once, for tokens already issued too." }),
    accessTokenTtl: z
      .number()
      .int()
      .min(60)
      .max(86400)
      .optional()
      .openapi({ description: "Seconds, 60–86400. Applies to tokens issued from now on.", example: 900 }),
    refreshTokenTtl: z.number().int().min(3600).max(31536000).optional().openapi({
      description: "Seconds, 3600–31536000, and greater than `accessTokenTtl`. Applies to sessions started or refreshed from now on.",
      example: 2592000,
    }),
    sessionMaxAge: z.number().int().min(3600).max(31536000).optional().openapi({
      description:
        "Seconds, 3600–31536000 (default 7776000, 90 days). Applies to existing sessions too, at their next refresh; refresh tokens never outlive it.",
      example: 7776000,
    }),
    includeProfileClaims: z
      .boolean()
      .optional()
      .openapi({ description: `${INCLUDE_PROFILE_CLAIMS} Applies to access tokens issued from now on (register, login, refresh).` }),
    mfa: MfaPolicySchema.optional(),
    webauthn: WebAuthnSettingsSchema.nullable()
      .optional()
      .openapi({ description: "Replaces the passkey settings; `null` turns passkeys off (registered passkeys are kept)." }),
    passwordless: z.boolean().optional().openapi({ description: "`true` turns email one-time codes and magic links on." }),
    allowSignUp: z.boolean().optional().openapi({ description: "`false` stops new accounts through the Auth API." }),
    corsOrigins: z.array(OriginSchema).max(50).optional().openapi({ description: "Replaces the list (at most 50)." }),
    redirectUrls: z.array(RedirectUrlSchema).max(50).optional().openapi({ description: "Replaces the list (at most 50)." }),
    rateLimits: RateLimitsSchema.optional().openapi({
      description:
        "Overrides of the default rules, by name; replaces earlier overrides (`{}` restores every default). `refresh.session` takes a window rule only.",
    }),
    auditRetentionDays: z
      .number()
      .int()
      .min(AUDIT_RETENTION_DAYS_RANGE.min)
      .max(AUDIT_RETENTION_DAYS_RANGE.max)
      .optional()
      .openapi({
        description: `Days, ${AUDIT_RETENTION_DAYS_RANGE.min}–${AUDIT_RETENTION_DAYS_RANGE.max} (default 90): older audit rows of the project are deleted by the retention job.`,
        example: 90,
      }),
    branding: BrandingChangesSchema.optional().openapi({
      description: "The hosted sign-in page's logo (`logoUrl`, https) and accent colour (`accentColor`, `#rrggbb`): given fields are set, `null` clears one.",
    }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "Provide at least one field to change" })
  .refine((body) => body.accessTokenTtl === undefined || body.refreshTokenTtl === undefined || body.refreshTokenTtl > body.accessTokenTtl, {
    path: ["refreshTokenTtl"],
    message: "must be greater than accessTokenTtl",
  })
  .openapi("UpdateProjectRequest", { example: { enabled: false } });

export const DeleteProjectResultSchema = z.object({ deleted: z.literal(true) }).openapi("DeleteProjectResult");
