// A project's users: search, keyset pages, and (for admins) a create form.
import { api, type ApiFailure, call, fieldError } from "../api";
import { Field } from "../components/field";
import { Pager, usePager } from "../components/pager";
import { Empty, Failure, Loading, checkedOf, inputValue } from "../components/status";
import { useLoad } from "../load";
import { go, href } from "../router";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";

export const USERS_PAGE = 25;

export function Users({ projectId }: { projectId: string }) {
  const writer = canWrite(useSignal(session));
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<"" | "active" | "disabled">("");
  const pager = usePager();
  const list = useLoad(
    () =>
      call(
        api().GET("/api/admin/projects/{projectId}/users", {
          params: { path: { projectId }, query: { limit: USERS_PAGE, search: search || undefined, status: status || undefined, cursor: pager.cursor } },
        }),
      ),
    [projectId, search, status, pager.cursor],
  );
  const users = list.data?.data ?? [];
  return (
    <section aria-labelledby="users-title" aria-busy={list.loading}>
      <h2 id="users-title">Users</h2>
      {writer ? <CreateUser projectId={projectId} /> : null}
      <div class="toolbar">
        <div class="field">
          <label for="user-search">Search users (email or name)</label>
          <input
            id="user-search"
            type="search"
            value={search}
            onInput={(e: Event) => {
              setSearch(inputValue(e));
              pager.reset();
            }}
          />
        </div>
        <div class="field">
          <label for="user-status">Status</label>
          <select
            id="user-status"
            onChange={(e: Event) => {
              setStatus(inputValue(e) as typeof status);
              pager.reset();
            }}
          >
            <option value="">any</option>
            <option value="active">active</option>
            <option value="disabled">disabled</option>
          </select>
        </div>
      </div>
      <Failure error={list.error} />
      {list.loading && !list.data ? <Loading what="users" /> : null}
      {list.data && users.length === 0 ? <Empty>No users{search ? ` match “${search}”` : " yet"}.</Empty> : null}
      {users.length ? (
        <table>
          <caption class="sr-only">Users, page {pager.page}</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  <a href={href("projects", projectId, "users", u.id)}>{u.email}</a>
                </td>
                <td>{u.displayName ?? ""}</td>
                <td>{u.disabled ? "disabled" : u.emailVerified ? "verified" : "unverified"}</td>
                <td>{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString() : "never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.meta.nextCursor} label="Users" />
    </section>
  );
}

function CreateUser({ projectId }: { projectId: string }) {
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [emailVerified, setEmailVerified] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await call(
      api().POST("/api/admin/projects/{projectId}/users", {
        params: { path: { projectId } },
        body: { email, emailVerified, ...(displayName ? { displayName } : {}), ...(password ? { password } : {}) },
      }),
    );
    if (r.error) return setError(r.error);
    go("projects", projectId, "users", r.data.data.id);
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-user-title">
      <h3 id="create-user-title">Create a user</h3>
      <Field label="Email" name="email" type="email" required value={email} onValue={setEmail} error={fieldError(error, "email")} />
      <Field label="Display name (optional)" name="displayName" value={displayName} onValue={setDisplayName} error={fieldError(error, "displayName")} />
      <Field
        label="Password (optional)"
        name="password"
        type="password"
        autocomplete="new-password"
        value={password}
        onValue={setPassword}
        error={fieldError(error, "password")}
        hint="Without one the user is invited and sets it through a reset email."
      />
      <div class="field check">
        <input id="field-emailVerified" type="checkbox" checked={emailVerified} onChange={(e: Event) => setEmailVerified(checkedOf(e))} />
        <label for="field-emailVerified">Email already verified</label>
      </div>
      <Failure error={error} />
      <button type="submit" class="primary">
        Create user
      </button>
    </form>
  );
}
