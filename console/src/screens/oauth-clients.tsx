// A project's OAuth clients (apps that sign users in through the hosted page): list, register (the
// confidential secret shown once), edit name, URIs and first-party, rotate the secret (shown once),
// delete behind a typed confirmation. Viewers read.
import type { Schemas } from "../../../src/client/types";
import { api, type ApiFailure, call, fieldError } from "../api";
import { ConfirmButton } from "../components/confirm";
import { Field } from "../components/field";
import { Pager, usePager } from "../components/pager";
import { Empty, Failure, Loading, checkedOf, inputValue } from "../components/status";
import { useLoad } from "../load";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";

type OAuthClient = Schemas["OAuthClient"];
const CLIENTS = "/api/admin/projects/{projectId}/oauth-clients";
const ONE = "/api/admin/projects/{projectId}/oauth-clients/{clientId}";

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/** A secret shown once, with what to do with it. */
function SecretOnce({ secret, clientId }: { secret: string; clientId: string }) {
  return (
    <div class="notice" role="status">
      <p>
        <strong>Copy the client secret now:</strong> it is shown only this once. Configure the app with client id <code>{clientId}</code> and this secret.
      </p>
      <label for="client-secret">Client secret</label>
      <input id="client-secret" readOnly value={secret} data-testid="client-secret" onFocus={(e: Event) => (e.target as HTMLInputElement).select()} />
    </div>
  );
}

export function OAuthClients({ projectId }: { projectId: string }) {
  const writer = canWrite(useSignal(session));
  const pager = usePager();
  const list = useLoad(() => call(api().GET(CLIENTS, { params: { path: { projectId }, query: { cursor: pager.cursor } } })), [projectId, pager.cursor]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [shown, setShown] = useState<{ clientId: string; secret: string } | null>(null);
  const clients = list.data?.data ?? [];
  const rotate = async (c: OAuthClient) => {
    const r = await call(api().POST(`${ONE}/rotate-secret`, { params: { path: { projectId, clientId: c.clientId } } }));
    setError(r.error);
    setShown(r.data ? { clientId: c.clientId, secret: r.data.data.clientSecret } : null);
    list.reload();
  };
  const remove = async (c: OAuthClient) => {
    const r = await call(api().DELETE(ONE, { params: { path: { projectId, clientId: c.clientId } } }));
    setError(r.error);
    if (editing === c.clientId) setEditing(null);
    list.reload();
  };
  return (
    <section aria-labelledby="clients-title">
      <h2 id="clients-title">OAuth clients</h2>
      <p class="muted">
        Apps that sign users in through the hosted page with any OpenID Connect library. Issuer: <code>{`${location.origin}/api/auth/${projectId}`}</code>
      </p>
      {writer ? <CreateClient projectId={projectId} onCreated={list.reload} /> : null}
      <Failure error={error ?? list.error} />
      {shown ? <SecretOnce {...shown} /> : null}
      {list.loading && !list.data ? <Loading what="OAuth clients" /> : null}
      {list.data && clients.length === 0 ? <Empty>No OAuth clients yet.</Empty> : null}
      {clients.length ? (
        <table data-testid="oauth-clients">
          <caption class="sr-only">OAuth clients</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client id</th>
              <th scope="col">Type</th>
              <th scope="col">Redirect URIs</th>
              {writer ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {clients.map((c) => (
              <tr key={c.clientId}>
                <td>
                  {c.name}
                  <div class="muted">{c.firstParty ? "first-party" : "third-party (consent)"}</div>
                </td>
                <td>
                  <code>{c.clientId}</code>
                  {c.previousSecretExpiresAt ? (
                    <div class="muted">previous secret works until {new Date(c.previousSecretExpiresAt).toLocaleString()}</div>
                  ) : null}
                </td>
                <td>{c.type}</td>
                <td>
                  {c.redirectUris.map((u) => (
                    <div key={u}>
                      <code>{u}</code>
                    </div>
                  ))}
                </td>
                {writer ? (
                  <td>
                    <span class="toolbar">
                      <button type="button" aria-expanded={editing === c.clientId} onClick={() => setEditing(editing === c.clientId ? null : c.clientId)}>
                        Edit {c.name}
                      </button>
                      {c.type === "confidential" ? (
                        <ConfirmButton
                          label={`Rotate secret of ${c.name}`}
                          question={`New secret for ${c.name}? The current one keeps working for a day.`}
                          onConfirm={() => rotate(c)}
                        />
                      ) : null}
                      <ConfirmButton
                        label={`Delete ${c.name}`}
                        question={`Delete ${c.name}? Every session issued to it ends.`}
                        typed={c.clientId}
                        onConfirm={() => remove(c)}
                      />
                    </span>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.meta.nextCursor} label="OAuth clients" />
      {editing && clients.some((c) => c.clientId === editing) ? (
        <EditClient
          key={editing}
          projectId={projectId}
          client={clients.find((c) => c.clientId === editing)!}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      ) : null}
    </section>
  );
}

interface ClientForm {
  name: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  firstParty: boolean;
}

function ClientFields({ form, set, error, prefix }: { form: ClientForm; set: (p: Partial<ClientForm>) => void; error: ApiFailure | null; prefix: string }) {
  return (
    <>
      <Field label="Name" name={`${prefix}-name`} required value={form.name} onValue={(name) => set({ name })} error={fieldError(error, "name")} />
      <Field
        label="Redirect URIs (one a line)"
        name={`${prefix}-redirect-uris`}
        multiline
        hint="https; http only to localhost, 127.0.0.1 or [::1]; or a native app scheme like com.example.app:/callback. No fragments."
        value={form.redirectUris}
        onValue={(redirectUris) => set({ redirectUris })}
        error={fieldError(error, "redirectUris")}
      />
      <Field
        label="Post-logout redirect URIs (one a line, optional)"
        name={`${prefix}-post-logout-uris`}
        multiline
        value={form.postLogoutRedirectUris}
        onValue={(postLogoutRedirectUris) => set({ postLogoutRedirectUris })}
        error={fieldError(error, "postLogoutRedirectUris")}
      />
      <div class="field check">
        <input id={`${prefix}-first-party`} type="checkbox" checked={form.firstParty} onChange={(e: Event) => set({ firstParty: checkedOf(e) })} />
        <label for={`${prefix}-first-party`}>First-party (the project's own app: no consent screen)</label>
      </div>
    </>
  );
}

function CreateClient({ projectId, onCreated }: { projectId: string; onCreated: () => void }) {
  const empty: ClientForm = { name: "", redirectUris: "", postLogoutRedirectUris: "", firstParty: false };
  const [form, setForm] = useState(empty);
  const [type, setType] = useState<"public" | "confidential">("confidential");
  const [error, setError] = useState<ApiFailure | null>(null);
  const [created, setCreated] = useState<{ clientId: string; secret: string | null } | null>(null);
  const set = (p: Partial<ClientForm>) => setForm((f) => ({ ...f, ...p }));
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      name: form.name,
      type,
      redirectUris: lines(form.redirectUris),
      postLogoutRedirectUris: lines(form.postLogoutRedirectUris),
      firstParty: form.firstParty,
    };
    const r = await call(api().POST(CLIENTS, { params: { path: { projectId } }, body }));
    setError(r.error);
    if (!r.data) return;
    setCreated({ clientId: r.data.data.clientId, secret: r.data.data.clientSecret ?? null });
    setForm(empty);
    onCreated();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-client-title">
      <h3 id="create-client-title">Register an OAuth client</h3>
      <div class="field">
        <label for="field-client-type">Type</label>
        <select id="field-client-type" onChange={(e: Event) => setType(inputValue(e) as typeof type)}>
          <option value="confidential" selected={type === "confidential"}>
            confidential (server-side app with a secret)
          </option>
          <option value="public" selected={type === "public"}>
            public (browser or native app, PKCE only)
          </option>
        </select>
      </div>
      <ClientFields form={form} set={set} error={error} prefix="new-client" />
      <Failure error={error} />
      {created?.secret ? <SecretOnce clientId={created.clientId} secret={created.secret} /> : null}
      {created && !created.secret ? (
        <p class="notice" role="status">
          Registered: client id <code>{created.clientId}</code> (public: no secret).
        </p>
      ) : null}
      <button type="submit" class="primary">
        Register client
      </button>
    </form>
  );
}

function EditClient({ projectId, client, onSaved }: { projectId: string; client: OAuthClient; onSaved: () => void }) {
  const [form, setForm] = useState<ClientForm>({
    name: client.name,
    redirectUris: client.redirectUris.join("\n"),
    postLogoutRedirectUris: client.postLogoutRedirectUris.join("\n"),
    firstParty: client.firstParty,
  });
  const [error, setError] = useState<ApiFailure | null>(null);
  const set = (p: Partial<ClientForm>) => setForm((f) => ({ ...f, ...p }));
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      name: form.name,
      redirectUris: lines(form.redirectUris),
      postLogoutRedirectUris: lines(form.postLogoutRedirectUris),
      firstParty: form.firstParty,
    };
    const r = await call(api().PATCH(ONE, { params: { path: { projectId, clientId: client.clientId } }, body }));
    setError(r.error);
    if (!r.error) onSaved();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="edit-client-title">
      <h3 id="edit-client-title">Edit {client.name}</h3>
      <ClientFields form={form} set={set} error={error} prefix="edit-client" />
      <Failure error={error} />
      <button type="submit" class="primary">
        Save client
      </button>
    </form>
  );
}
