// The signed-in admin's own account: change password. (Admin second factors join here after their merge.)
import { api, type ApiFailure, call, fieldError } from "../api";
import { Field } from "../components/field";
import { Failure } from "../components/status";
import { useState } from "../runtime";

export function Account() {
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await call(api().POST("/api/admin/me/password", { body: { currentPassword, newPassword } }));
    setError(r.error);
    setDone(!r.error);
    if (!r.error) {
      setCurrent("");
      setNew("");
    }
  };
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <form class="card" onSubmit={submit} aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autocomplete="current-password"
          required
          value={currentPassword}
          onValue={setCurrent}
          error={fieldError(error, "currentPassword")}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autocomplete="new-password"
          required
          value={newPassword}
          onValue={setNew}
          error={fieldError(error, "newPassword")}
        />
        <Failure error={error} />
        {done ? (
          <p class="notice" role="status">
            Password changed.
          </p>
        ) : null}
        <button type="submit" class="primary">
          Change password
        </button>
      </form>
    </section>
  );
}
