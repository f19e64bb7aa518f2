// Owners manage who runs the console: create admins, change roles, disable, delete. The server enforces owner-only.
import { api, type ApiFailure, call, fieldError } from "../api";
import { ConfirmButton } from "../components/confirm";
import { Field } from "../components/field";
import { Empty, Failure, Loading, inputValue } from "../components/status";
import { useLoad } from "../load";
import { useSignal, useState } from "../runtime";
import { type Role, session } from "../session";

const ROLES: Role[] = ["owner", "admin", "viewer"];

export function Admins() {
  const me = useSignal(session);
  const list = useLoad(() => call(api().GET("/api/admin/admins")), []);
  const [error, setError] = useState<ApiFailure | null>(null);
  const admins = list.data?.data ?? [];
  const change = async (adminId: string, body: { role?: Role; disabled?: boolean }) => {
    const r = await call(api().PATCH("/api/admin/admins/{adminId}", { params: { path: { adminId } }, body }));
    setError(r.error);
    list.reload();
  };
  const [notice, setNotice] = useState("");
  const resetMfa = async (adminId: string, email: string) => {
    const r = await call(api().DELETE("/api/admin/admins/{adminId}/mfa", { params: { path: { adminId } } }));
    setError(r.error);
    if (r.data)
      setNotice(
        r.data.data.hadTotp
          ? `${email}'s TOTP is reset and ${r.data.data.sessionsEnded} session(s) ended: they sign in with their password and can enroll again.`
          : `${email} had no TOTP; ${r.data.data.sessionsEnded} session(s) ended.`,
      );
  };
  const remove = async (adminId: string) => {
    const r = await call(api().DELETE("/api/admin/admins/{adminId}", { params: { path: { adminId } } }));
    setError(r.error);
    list.reload();
  };
  return (
    <section aria-labelledby="admins-title">
      <h1 id="admins-title">Admins</h1>
      <CreateAdmin onCreated={list.reload} />
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <Failure error={error ?? list.error} />
      {list.loading && !list.data ? <Loading what="admins" /> : null}
      {list.data && admins.length === 0 ? <Empty>No admins.</Empty> : null}
      {admins.length ? (
        <table>
          <caption class="sr-only">Admins</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {admins.map((a) => (
              <tr key={a.id}>
                <td>{a.email}</td>
                <td>
                  <label class="sr-only" for={`role-${a.id}`}>
                    Role of {a.email}
                  </label>
                  <select id={`role-${a.id}`} disabled={a.id === me?.admin.id} onChange={(e: Event) => change(a.id, { role: inputValue(e) as Role })}>
                    {ROLES.map((r) => (
                      <option key={r} value={r} selected={r === a.role}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{a.disabled ? "disabled" : "active"}</td>
                <td>{a.lastLoginAt ? new Date(a.lastLoginAt).toLocaleString() : "never"}</td>
                <td>
                  {a.id === me?.admin.id ? (
                    <span class="muted">you</span>
                  ) : (
                    <span class="toolbar">
                      <button type="button" onClick={() => change(a.id, { disabled: !a.disabled })}>
                        {a.disabled ? "Enable" : "Disable"} {a.email}
                      </button>
                      <ConfirmButton
                        label={`Reset TOTP of ${a.email}`}
                        question={`Remove ${a.email}'s TOTP and recovery codes and end their sessions?`}
                        onConfirm={() => resetMfa(a.id, a.email)}
                      />
                      <ConfirmButton label={`Delete ${a.email}`} question={`Delete the admin ${a.email}?`} onConfirm={() => remove(a.id)} />
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function CreateAdmin({ onCreated }: { onCreated: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [error, setError] = useState<ApiFailure | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await call(api().POST("/api/admin/admins", { body: { email, password, role } }));
    setError(r.error);
    if (!r.error) {
      setEmail("");
      setPassword("");
      onCreated();
    }
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="create-admin-title">
      <h2 id="create-admin-title">Create an admin</h2>
      <Field label="Email" name="admin-email" type="email" required value={email} onValue={setEmail} error={fieldError(error, "email")} />
      <Field
        label="Initial password"
        name="admin-password"
        type="password"
        autocomplete="new-password"
        required
        value={password}
        onValue={setPassword}
        error={fieldError(error, "password")}
      />
      <div class="field">
        <label for="field-admin-role">Role</label>
        <select id="field-admin-role" onChange={(e: Event) => setRole(inputValue(e) as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r} selected={r === role}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <Failure error={error} />
      <button type="submit" class="primary">
        Create admin
      </button>
    </form>
  );
}
