// Social sign-in providers: configure (the client secret is write-only: the server only says whether it is set), remove.
import type { Schemas } from "../../../src/client/types";
import { api, type ApiFailure, call, fieldError } from "../api";
import { ConfirmButton } from "../components/confirm";
import { Field } from "../components/field";
import { Empty, Failure, Loading, checkedOf, inputValue } from "../components/status";
import { useLoad } from "../load";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";

type Provider = Schemas["OAuthProvider"];
type ProviderType = Schemas["OAuthProviderType"];

export function Providers({ projectId }: { projectId: string }) {
  const writer = canWrite(useSignal(session));
  const list = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/oauth-providers", { params: { path: { projectId } } })), [projectId]);
  const [editing, setEditing] = useState<Provider | "new" | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const providers = list.data?.data ?? [];
  const remove = async (provider: string) => {
    const r = await call(api().DELETE("/api/admin/projects/{projectId}/oauth-providers/{provider}", { params: { path: { projectId, provider } } }));
    setError(r.error);
    list.reload();
  };
  return (
    <section aria-labelledby="providers-title">
      <h2 id="providers-title">Social providers</h2>
      {writer && !editing ? (
        <button type="button" onClick={() => setEditing("new")}>
          Add a provider
        </button>
      ) : null}
      {editing ? (
        <ProviderForm
          projectId={projectId}
          current={editing === "new" ? null : editing}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      ) : null}
      <Failure error={error ?? list.error} />
      {list.loading && !list.data ? <Loading what="providers" /> : null}
      {list.data && providers.length === 0 ? <Empty>No social providers configured.</Empty> : null}
      {providers.length ? (
        <table>
          <caption class="sr-only">Social providers</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Type</th>
              <th scope="col">Client id</th>
              <th scope="col">Secret</th>
              <th scope="col">Enabled</th>
              <th scope="col">Callback URL</th>
              {writer ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {providers.map((p) => (
              <tr key={p.provider}>
                <td>{p.provider}</td>
                <td>{p.type}</td>
                <td>
                  <code>{p.clientId}</code>
                </td>
                <td>{p.clientSecretSet ? "set" : "not set"}</td>
                <td>{p.enabled ? "yes" : "no"}</td>
                <td>
                  <code>{p.callbackUrl}</code>
                </td>
                {writer ? (
                  <td class="toolbar">
                    <button type="button" onClick={() => setEditing(p)}>
                      Edit {p.provider}
                    </button>
                    <ConfirmButton
                      label={`Remove ${p.provider}`}
                      question={`Remove ${p.provider}? Its users can no longer sign in with it.`}
                      onConfirm={() => remove(p.provider)}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function ProviderForm({ projectId, current, onDone }: { projectId: string; current: Provider | null; onDone: () => void }) {
  const [slug, setSlug] = useState(current?.provider ?? "");
  const [type, setType] = useState<ProviderType>(current?.type ?? "google");
  const [clientId, setClientId] = useState(current?.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const [issuer, setIssuer] = useState(current?.issuer ?? "");
  const [scopes, setScopes] = useState(current?.scopes.join(" ") ?? "");
  const [enabled, setEnabled] = useState(current?.enabled ?? true);
  const [error, setError] = useState<ApiFailure | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await call(
      api().PUT("/api/admin/projects/{projectId}/oauth-providers/{provider}", {
        params: { path: { projectId, provider: slug } },
        body: {
          type,
          clientId,
          enabled,
          ...(clientSecret ? { clientSecret } : {}),
          ...(type === "oidc" ? { issuer } : {}),
          ...(scopes.trim() ? { scopes: scopes.trim().split(/\s+/) } : {}),
        },
      }),
    );
    if (r.error) return setError(r.error);
    onDone();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="provider-form-title">
      <h3 id="provider-form-title">{current ? `Edit ${current.provider}` : "Add a provider"}</h3>
      {current ? null : (
        <Field label="Slug (e.g. google, corp_sso)" name="provider" required value={slug} onValue={setSlug} error={fieldError(error, "provider")} />
      )}
      <div class="field">
        <label for="field-provider-type">Type</label>
        <select id="field-provider-type" onChange={(e: Event) => setType(inputValue(e) as ProviderType)}>
          {(["google", "github", "oidc"] as const).map((t) => (
            <option key={t} value={t} selected={t === type}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <Field label="Client id" name="clientId" required value={clientId} onValue={setClientId} error={fieldError(error, "clientId")} />
      <Field
        label="Client secret"
        name="clientSecret"
        type="password"
        autocomplete="off"
        value={clientSecret}
        onValue={setClientSecret}
        error={fieldError(error, "clientSecret")}
        hint={current?.clientSecretSet ? "A secret is set; leave empty to keep it. It is never shown again." : "Write-only: it is never shown again."}
      />
      {type === "oidc" ? <Field label="Issuer URL" name="issuer" value={issuer} onValue={setIssuer} error={fieldError(error, "issuer")} /> : null}
      <Field label="Scopes (space-separated, optional)" name="scopes" value={scopes} onValue={setScopes} error={fieldError(error, "scopes")} />
      <div class="field check">
        <input id="field-provider-enabled" type="checkbox" checked={enabled} onChange={(e: Event) => setEnabled(checkedOf(e))} />
        <label for="field-provider-enabled">Enabled</label>
      </div>
      <Failure error={error} />
      <button type="submit" class="primary">
        Save provider
      </button>{" "}
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}
