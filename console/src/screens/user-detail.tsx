// One user: profile, metadata, actions (disable/enable, revoke sessions, delete) and the user's audit trail.
// Factors (TOTP, passkeys) and their reset join this screen once the second-factor routes land.
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
