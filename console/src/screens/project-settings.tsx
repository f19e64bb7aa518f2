// A project's settings (admins edit, viewers read) and its deletion behind a typed confirmation.
import { api, type ApiFailure, call, fieldError } from "../api";
import { ConfirmButton } from "../components/confirm";
import { Field } from "../components/field";
import { Failure, checkedOf, inputValue } from "../components/status";
import { go } from "../router";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";
import { DEFAULT_RULES } from "../../../src/config";
import type { ProjectData } from "./project-frame";

type Rules = ProjectData["rateLimits"];

/** The project's rules that differ from the defaults: what its `rateLimits` overrides are. */
const overridesOf = (rules: Rules) =>
  Object.fromEntries(
    Object.entries(rules).filter(([name, rule]) => JSON.stringify(rule) !== JSON.stringify(DEFAULT_RULES[name as keyof typeof DEFAULT_RULES])),
  );

/** The overrides text as an object, or why it is not one (said next to the field, before any request). */
function parseOverrides(text: string): { value: Partial<Rules> } | { problem: string } {
  if (!text.trim()) return { value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return { value: value as Partial<Rules> };
    return { problem: "must be a JSON object of rule name → rule" };
  } catch (err) {
    return { problem: `is not JSON: ${(err as Error).message}` };
  }
}

/** The request field a form field's validation message comes back under. */
const fieldPath = (key: string) =>
  key === "rpId" || key === "rpName"
    ? `webauthn.${key}`
    : key === "rpOrigins"
      ? "webauthn.origins"
      : key === "logoUrl" || key === "accentColor"
        ? `branding.${key}`
        : key;

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

export function ProjectSettings({ project, onSaved }: { project: ProjectData; onSaved: () => void }) {
  const writer = canWrite(useSignal(session));
  const [form, setForm] = useState({
    name: project.name,
    environment: project.environment,
    enabled: project.enabled,
    corsOrigins: project.corsOrigins.join("\n"),
    redirectUrls: project.redirectUrls.join("\n"),
    accessTokenTtl: String(project.accessTokenTtl),
    refreshTokenTtl: String(project.refreshTokenTtl),
    sessionMaxAge: String(project.sessionMaxAge),
    includeProfileClaims: project.includeProfileClaims,
    mfa: project.mfa,
    passwordless: project.passwordless,
    allowSignUp: project.allowSignUp,
    rpId: project.webauthn?.rpId ?? "",
    rpName: project.webauthn?.rpName ?? "",
    rpOrigins: project.webauthn?.origins.join("\n") ?? "",
    auditRetentionDays: String(project.auditRetentionDays),
    rateLimits: JSON.stringify(overridesOf(project.rateLimits), null, 2),
    logoUrl: project.branding.logoUrl ?? "",
    accentColor: project.branding.accentColor ?? "",
  });
  const [overridesProblem, setOverridesProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<typeof form>) => {
    setSaved(false);
    setForm((f) => ({ ...f, ...patch }));
  };
  const text = (
    key:
      | "name"
      | "corsOrigins"
      | "redirectUrls"
      | "accessTokenTtl"
      | "refreshTokenTtl"
      | "sessionMaxAge"
      | "rpId"
      | "rpName"
      | "rpOrigins"
      | "auditRetentionDays"
      | "rateLimits"
      | "logoUrl"
      | "accentColor",
  ) => ({
    name: key,
    value: form[key],
    onValue: (v: string) => set({ [key]: v }),
    error: fieldError(error, fieldPath(key)),
  });
  const submit = async (e: Event) => {
    e.preventDefault();
    const overrides = parseOverrides(form.rateLimits);
    setOverridesProblem("problem" in overrides ? overrides.problem : null);
    if ("problem" in overrides) return;
    const r = await call(
      api().PATCH("/api/admin/projects/{projectId}", {
        params: { path: { projectId: project.id } },
        body: {
          name: form.name,
          environment: form.environment,
          enabled: form.enabled,
          corsOrigins: lines(form.corsOrigins),
          redirectUrls: lines(form.redirectUrls),
          accessTokenTtl: Number(form.accessTokenTtl),
          refreshTokenTtl: Number(form.refreshTokenTtl),
          sessionMaxAge: Number(form.sessionMaxAge),
          includeProfileClaims: form.includeProfileClaims,
          mfa: form.mfa,
          passwordless: form.passwordless,
          allowSignUp: form.allowSignUp,
          webauthn: form.rpId ? { rpId: form.rpId, rpName: form.rpName, origins: lines(form.rpOrigins) } : null,
          auditRetentionDays: Number(form.auditRetentionDays),
          rateLimits: overrides.value,
          // Empty clears a branding field.
          branding: { logoUrl: form.logoUrl.trim() || null, accentColor: form.accentColor.trim() || null },
        },
      }),
    );
    setError(r.error);
    if (!r.error) {
      setSaved(true);
      onSaved();
    }
  };
  const remove = async () => {
    const r = await call(api().DELETE("/api/admin/projects/{projectId}", { params: { path: { projectId: project.id } } }));
    if (r.error) return setError(r.error);
    go("projects");
  };
  return (
    <div>
      <form class="card" onSubmit={submit} aria-labelledby="settings-title">
        <h2 id="settings-title">Settings</h2>
        <fieldset disabled={!writer}>
          <legend>General</legend>
          <Field label="Name" {...text("name")} />
          <div class="field">
            <label for="field-environment">Environment</label>
            <select id="field-environment" onChange={(e: Event) => set({ environment: inputValue(e) as typeof form.environment })}>
              {(["development", "staging", "production"] as const).map((env) => (
                <option key={env} value={env} selected={env === form.environment}>
                  {env}
                </option>
              ))}
            </select>
          </div>
          <Check label="Enabled (a disabled project's Auth API answers 403)" name="enabled" checked={form.enabled} onChecked={(enabled) => set({ enabled })} />
          <Field label="CORS origins (one a line)" multiline {...text("corsOrigins")} />
          <Field label="Redirect URLs (one a line)" multiline {...text("redirectUrls")} />
        </fieldset>
        <fieldset disabled={!writer}>
          <legend>Tokens</legend>
          <Field label="Access token lifetime (seconds)" type="number" {...text("accessTokenTtl")} />
          <Field label="Refresh token lifetime (seconds)" type="number" {...text("refreshTokenTtl")} />
          <Field label="Session maximum age (seconds)" type="number" {...text("sessionMaxAge")} />
          <Check
            label="Profile claims in access tokens"
            name="includeProfileClaims"
            checked={form.includeProfileClaims}
            onChecked={(includeProfileClaims) => set({ includeProfileClaims })}
          />
        </fieldset>
        <fieldset disabled={!writer}>
          <legend>Sign-in methods</legend>
          <Check label="Allow sign-up" name="allowSignUp" checked={form.allowSignUp} onChecked={(allowSignUp) => set({ allowSignUp })} />
          <Check label="Passwordless (email links)" name="passwordless" checked={form.passwordless} onChecked={(passwordless) => set({ passwordless })} />
          <div class="field">
            <label for="field-mfa">Second factor</label>
            <select id="field-mfa" onChange={(e: Event) => set({ mfa: inputValue(e) as typeof form.mfa })}>
              <option value="optional" selected={form.mfa === "optional"}>
                optional
              </option>
              <option value="required" selected={form.mfa === "required"}>
                required
              </option>
            </select>
          </div>
          <Field label="Passkeys: relying party id (empty turns passkeys off)" {...text("rpId")} />
          <Field label="Passkeys: relying party name" {...text("rpName")} />
          <Field label="Passkeys: origins (one a line)" multiline {...text("rpOrigins")} />
        </fieldset>
        <fieldset disabled={!writer}>
          <legend>Hosted sign-in page</legend>
          <Field label="Logo URL (https, optional)" type="url" {...text("logoUrl")} />
          <Field label="Accent colour (#rrggbb, optional)" hint="For example #1a73e8." {...text("accentColor")} />
        </fieldset>
        <fieldset disabled={!writer}>
          <legend>Abuse and retention</legend>
          <Field
            label="Rate-limit overrides (JSON)"
            multiline
            hint='Rules that differ from the defaults, by name, e.g. {"login.ip": {"kind": "window", "limit": 50, "windowSeconds": 900}}; {} restores every default (README, "Rate limits").'
            {...text("rateLimits")}
            error={overridesProblem ?? fieldError(error, "rateLimits")}
          />
          <Field label="Audit log retention (days)" type="number" {...text("auditRetentionDays")} />
        </fieldset>
        <Failure error={error} />
        {saved ? (
          <p class="notice" role="status">
            Saved.
          </p>
        ) : null}
        {writer ? (
          <button type="submit" class="primary">
            Save settings
          </button>
        ) : null}
      </form>
      {writer ? (
        <div class="card danger-zone">
          <h2>Delete this project</h2>
          <p>Deletes its users, sessions, keys and settings. This cannot be undone.</p>
          <ConfirmButton label="Delete project" question={`Delete ${project.name} and everything in it?`} typed={project.id} onConfirm={remove} />
        </div>
      ) : null}
    </div>
  );
}

function Check({ label, name, checked, onChecked }: { label: string; name: string; checked: boolean; onChecked: (v: boolean) => void }) {
  return (
    <div class="field check">
      <input id={`field-${name}`} type="checkbox" checked={checked} onChange={(e: Event) => onChecked(checkedOf(e))} />
      <label for={`field-${name}`}>{label}</label>
    </div>
  );
}
