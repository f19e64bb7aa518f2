// One user: profile, actions (disable/enable, revoke sessions, delete), second factors and their reset, live sessions
// (end one), connected apps (revoke one), linked identities, metadata and the user's audit trail.
import { api, type ApiFailure, call, fieldError } from "../api";
import { ConfirmButton } from "../components/confirm";
import { EventTable } from "../components/events";
import { Field } from "../components/field";
import { Empty, Failure, Loading } from "../components/status";
import { useLoad } from "../load";
import { go, href } from "../router";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";

export function UserDetail({ projectId, userId }: { projectId: string; userId: string }) {
  const writer = canWrite(useSignal(session));
  const path = { projectId, userId };
  const user = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/users/{userId}", { params: { path } })), [projectId, userId]);
  const trail = useLoad(
    () => call(api().GET("/api/admin/logs", { params: { query: { projectId, actor: userId, limit: 20 } } })),
    [projectId, userId, user.data],
  );
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState("");
  const u = user.data?.data;
  const act = async (request: Promise<Awaited<ReturnType<typeof call>>>, done: string) => {
    const r = await request;
    setError(r.error);
    if (!r.error) {
      setNotice(done);
      user.reload();
    }
  };
  return (
    <section aria-labelledby="user-title">
      <p>
        <a href={href("projects", projectId, "users")}>← All users</a>
      </p>
      <h2 id="user-title">{u ? u.email : "User"}</h2>
      <Failure error={user.error} />
      {user.loading && !u ? <Loading what="the user" /> : null}
      {u ? (
        <div>
          <dl class="card">
            <dt>Id</dt>
            <dd>
              <code>{u.id}</code>
            </dd>
            <dt>Display name</dt>
            <dd>{u.displayName ?? "—"}</dd>
            <dt>Status</dt>
            <dd data-testid="user-status">{u.disabled ? "disabled" : "active"}</dd>
            <dt>Email verified</dt>
            <dd>{u.emailVerified ? "yes" : "no"}</dd>
            <dt>Password set</dt>
            <dd>{u.hasPassword ? "yes" : "no (invited)"}</dd>
            <dt>Created</dt>
            <dd>{new Date(u.createdAt).toLocaleString()}</dd>
            <dt>Last sign-in</dt>
            <dd>{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : "never"}</dd>
          </dl>
          {notice ? (
            <p class="notice" role="status">
              {notice}
            </p>
          ) : null}
          <Failure error={error} />
          {writer ? (
            <div class="toolbar">
              <button
                type="button"
                onClick={() =>
                  act(
                    call(api().PATCH("/api/admin/projects/{projectId}/users/{userId}", { params: { path }, body: { disabled: !u.disabled } })),
                    u.disabled ? "User enabled." : "User disabled: sign-in, refresh and existing tokens stop working.",
                  )
                }
              >
                {u.disabled ? "Enable user" : "Disable user"}
              </button>
              <ConfirmButton
                label="Revoke sessions"
                question={`Sign ${u.email} out everywhere?`}
                onConfirm={() =>
                  act(call(api().POST("/api/admin/projects/{projectId}/users/{userId}/revoke-sessions", { params: { path } })), "Every session was revoked.")
                }
              />
              <ConfirmButton
                label="Delete user"
                question={`Delete ${u.email} and all their sessions?`}
                onConfirm={async () => {
                  const r = await call(api().DELETE("/api/admin/projects/{projectId}/users/{userId}", { params: { path } }));
                  if (r.error) return setError(r.error);
                  go("projects", projectId, "users");
                }}
              />
            </div>
          ) : null}
          <Factors projectId={projectId} userId={userId} email={u.email} writer={writer} />
          <Sessions projectId={projectId} userId={userId} writer={writer} version={user.data} />
          <ConnectedApps projectId={projectId} userId={userId} writer={writer} onRevoked={user.reload} />
          <Identities projectId={projectId} userId={userId} />
          <Metadata projectId={projectId} userId={userId} metadata={u.metadata} appMetadata={u.appMetadata} writer={writer} onSaved={user.reload} />
        </div>
      ) : null}
      <h3>Audit trail</h3>
      <Failure error={trail.error} />
      {trail.loading && !trail.data ? <Loading what="the audit trail" /> : null}
      {trail.data && trail.data.data.length === 0 ? <Empty>No events by this user yet.</Empty> : null}
      {trail.data?.data.length ? <EventTable events={trail.data.data} caption="The user's audit trail" /> : null}
    </section>
  );
}

interface MetadataProps {
  projectId: string;
  userId: string;
  metadata: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  writer: boolean;
  onSaved: () => void;
}

function Metadata({ projectId, userId, metadata, appMetadata, writer, onSaved }: MetadataProps) {
  const [user, setUser] = useState(JSON.stringify(metadata, null, 2));
  const [app, setApp] = useState(JSON.stringify(appMetadata, null, 2));
  const [error, setError] = useState<ApiFailure | null>(null);
  const [local, setLocal] = useState("");
  if (!writer)
    return (
      <div class="card">
        <h3>Metadata</h3>
        <pre>{user}</pre>
        <h3>App metadata</h3>
        <pre>{app}</pre>
      </div>
    );
  const submit = async (e: Event) => {
    e.preventDefault();
    let body: { metadata: Record<string, unknown>; appMetadata: Record<string, unknown> };
    try {
      body = { metadata: JSON.parse(user), appMetadata: JSON.parse(app) };
    } catch {
      return setLocal("Both fields must be JSON objects.");
    }
    setLocal("");
    const r = await call(api().PATCH("/api/admin/projects/{projectId}/users/{userId}", { params: { path: { projectId, userId } }, body }));
    setError(r.error);
    if (!r.error) onSaved();
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="metadata-title">
      <h3 id="metadata-title">Metadata</h3>
      <Field
        label="Metadata (the user's own data, JSON)"
        name="metadata"
        multiline
        value={user}
        onValue={setUser}
        error={local || fieldError(error, "metadata")}
      />
      <Field
        label="App metadata (set by admins only, JSON)"
        name="appMetadata"
        multiline
        value={app}
        onValue={setApp}
        error={fieldError(error, "appMetadata")}
      />
      <Failure error={error} />
      <button type="submit">Save metadata</button>
    </form>
  );
}

const when = (at: string | null) => (at ? new Date(at).toLocaleString() : "never");

/** TOTP on/off, recovery codes left and passkeys; an admin resets them all (which also ends the sessions). */
function Factors({ projectId, userId, email, writer }: { projectId: string; userId: string; email: string; writer: boolean }) {
  const path = { projectId, userId };
  const factors = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/users/{userId}/factors", { params: { path } })), [projectId, userId]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState("");
  const f = factors.data?.data;
  return (
    <section class="card" aria-labelledby="factors-title">
      <h3 id="factors-title">Second factors</h3>
      <Failure error={factors.error ?? error} />
      {factors.loading && !f ? <Loading what="the factors" /> : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {f ? (
        <div>
          <dl data-testid="user-factors">
            <dt>TOTP</dt>
            <dd>{f.totp.enabled ? `on since ${when(f.totp.confirmedAt)}` : "off"}</dd>
            <dt>Recovery codes left</dt>
            <dd>{f.recoveryCodesLeft}</dd>
            <dt>Passkeys</dt>
            <dd>{f.passkeys.length}</dd>
          </dl>
          {f.passkeys.length ? (
            <table>
              <caption class="sr-only">Passkeys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                </tr>
              </thead>
              <tbody>
                {f.passkeys.map((p) => (
                  <tr key={p.id}>
                    <td>{p.name}</td>
                    <td>{p.deviceType === "multiDevice" ? "synced" : "device-bound"}</td>
                    <td>{when(p.createdAt)}</td>
                    <td>{when(p.lastUsedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {writer ? (
            <ConfirmButton
              label="Reset factors"
              question={`Turn off ${email}'s TOTP, delete their recovery codes and passkeys, and end all their sessions?`}
              onConfirm={async () => {
                const r = await call(api().DELETE("/api/admin/projects/{projectId}/users/{userId}/factors", { params: { path } }));
                setError(r.error);
                if (r.data) setNotice(`Factors reset; ${r.data.data.sessionsEnded} session(s) ended.`);
                factors.reload();
              }}
            />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** The live sessions; an admin ends one (the user stays signed in elsewhere). `version` reloads them after other actions. */
function Sessions({ projectId, userId, writer, version }: { projectId: string; userId: string; writer: boolean; version: unknown }) {
  const path = { projectId, userId };
  const sessions = useLoad(
    () => call(api().GET("/api/admin/projects/{projectId}/users/{userId}/sessions", { params: { path } })),
    [projectId, userId, version],
  );
  const [error, setError] = useState<ApiFailure | null>(null);
  const list = sessions.data?.data;
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h3 id="sessions-title">Sessions</h3>
      <Failure error={sessions.error ?? error} />
      {sessions.loading && !list ? <Loading what="the sessions" /> : null}
      {list && list.length === 0 ? <Empty>No live sessions.</Empty> : null}
      {list?.length ? (
        <table data-testid="user-sessions">
          <caption class="sr-only">Live sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP</th>
              <th scope="col">Signed in with</th>
              <th scope="col">App</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Ends</th>
              {writer ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {list.map((s) => (
              <tr key={s.id}>
                <td>{s.userAgent ?? "unknown"}</td>
                <td>{s.ip ?? ""}</td>
                <td>{s.amr.join(", ")}</td>
                <td>{s.clientId ?? "this project (Auth API)"}</td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastUsedAt)}</td>
                <td>
                  {when(s.expiresAt)} (at the latest {when(s.absoluteExpiresAt)})
                </td>
                {writer ? (
                  <td>
                    <ConfirmButton
                      label={`End session ${s.id}`}
                      question="Sign the user out of this session?"
                      onConfirm={async () => {
                        const r = await call(
                          api().DELETE("/api/admin/projects/{projectId}/users/{userId}/sessions/{sessionId}", {
                            params: { path: { ...path, sessionId: s.id } },
                          }),
                        );
                        setError(r.error);
                        sessions.reload();
                      }}
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

/** The third-party apps the user consented to; an admin revokes one (its sessions end too, so the sessions reload). */
function ConnectedApps({ projectId, userId, writer, onRevoked }: { projectId: string; userId: string; writer: boolean; onRevoked: () => void }) {
  const path = { projectId, userId };
  const apps = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/users/{userId}/consents", { params: { path } })), [projectId, userId]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const list = apps.data?.data;
  return (
    <section class="card" aria-labelledby="apps-title">
      <h3 id="apps-title">Connected apps</h3>
      <Failure error={apps.error ?? error} />
      {apps.loading && !list ? <Loading what="the connected apps" /> : null}
      {list && list.length === 0 ? <Empty>No third-party apps have access.</Empty> : null}
      {list?.length ? (
        <table data-testid="user-connected-apps">
          <caption class="sr-only">Third-party apps the user allowed</caption>
          <thead>
            <tr>
              <th scope="col">App</th>
              <th scope="col">Client id</th>
              <th scope="col">Scopes</th>
              <th scope="col">Allowed</th>
              {writer ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.clientId}>
                <td>{a.clientName}</td>
                <td>
                  <code>{a.clientId}</code>
                </td>
                <td>{a.scope.join(" ")}</td>
                <td>{when(a.grantedAt)}</td>
                {writer ? (
                  <td>
                    <ConfirmButton
                      label={`Revoke ${a.clientName}`}
                      question="Revoke this app's access? Its sessions end and it must ask the user again."
                      onConfirm={async () => {
                        const r = await call(
                          api().DELETE("/api/admin/projects/{projectId}/users/{userId}/consents/{clientId}", {
                            params: { path: { ...path, clientId: a.clientId } },
                          }),
                        );
                        setError(r.error);
                        apps.reload();
                        onRevoked();
                      }}
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

function Identities({ projectId, userId }: { projectId: string; userId: string }) {
  const identities = useLoad(
    () => call(api().GET("/api/admin/projects/{projectId}/users/{userId}/identities", { params: { path: { projectId, userId } } })),
    [projectId, userId],
  );
  const list = identities.data?.data;
  return (
    <section class="card" aria-labelledby="identities-title">
      <h3 id="identities-title">Linked identities</h3>
      <Failure error={identities.error} />
      {identities.loading && !list ? <Loading what="the identities" /> : null}
      {list && list.length === 0 ? <Empty>No social accounts linked.</Empty> : null}
      {list?.length ? (
        <table>
          <caption class="sr-only">Linked identities</caption>
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">Issuer</th>
              <th scope="col">Subject</th>
              <th scope="col">Linked</th>
              <th scope="col">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={`${i.issuer} ${i.subject}`}>
                <td>{i.provider}</td>
                <td>{i.issuer}</td>
                <td>
                  <code>{i.subject}</code>
                </td>
                <td>{when(i.linkedAt)}</td>
                <td>{when(i.lastLoginAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
