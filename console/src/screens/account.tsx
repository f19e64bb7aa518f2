// The signed-in admin's own account: change password, and turn TOTP on (enroll, confirm, recovery codes) or off.
import { api, type ApiFailure, call, fieldError } from "../api";
import { Field } from "../components/field";
import { Failure, Loading } from "../components/status";
import { useLoad } from "../load";
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
      <Totp />
    </section>
  );
}

/** The admin's TOTP: off → enroll (secret shown) → confirm with a code (recovery codes shown once) → on → off with a code. */
function Totp() {
  const me = useLoad(() => call(api().GET("/api/admin/me")), []);
  const [enrollment, setEnrollment] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState("");
  const on = me.data?.data.mfa.totp;
  const enroll = async () => {
    const r = await call(api().POST("/api/admin/me/mfa/totp/enroll"));
    setError(r.error);
    setNotice("");
    setCodes(null);
    if (r.data) setEnrollment(r.data.data);
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    const r = await call(api().POST("/api/admin/me/mfa/totp/confirm", { body: { code: code.replace(/\s/g, "") } }));
    setError(r.error);
    if (!r.data) return;
    setEnrollment(null);
    setCode("");
    setCodes(r.data.data.recoveryCodes);
    me.reload();
  };
  const disable = async (e: Event) => {
    e.preventDefault();
    const body = recovery ? { recoveryCode: code.trim() } : { code: code.replace(/\s/g, "") };
    const r = await call(api().DELETE("/api/admin/me/mfa/totp", { body }));
    setError(r.error);
    if (r.error) return;
    setCode("");
    setCodes(null);
    setNotice("TOTP is off: signing in asks for your password only.");
    me.reload();
  };
  return (
    <section class="card" aria-labelledby="totp-title">
      <h2 id="totp-title">Two-factor authentication (TOTP)</h2>
      <Failure error={me.error} />
      {me.loading && !me.data ? <Loading what="your second factor" /> : null}
      {me.data ? (
        <p data-testid="totp-status">
          Status: <strong>{on ? "on" : "off"}</strong>
        </p>
      ) : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {codes ? (
        <div class="notice" role="status" aria-labelledby="codes-title">
          <h3 id="codes-title">Save these recovery codes now</h3>
          <p>
            Each code signs you in once if you lose your authenticator app. They are shown only this once: store them offline (a password manager or paper),
            then leave this page.
          </p>
          <ul class="codes" data-testid="recovery-codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {me.data && !on && !enrollment ? (
        <button type="button" class="primary" onClick={enroll}>
          Set up TOTP
        </button>
      ) : null}
      {enrollment ? (
        <form onSubmit={confirm} aria-labelledby="enroll-title">
          <h3 id="enroll-title">Add this key to your authenticator app</h3>
          <p>Open the link on a device with an authenticator app, or type the secret into the app by hand. Nothing changes until you confirm.</p>
          <div class="field">
            <label for="totp-url">otpauth URL</label>
            <input id="totp-url" readOnly value={enrollment.otpauthUrl} onFocus={selectAll} />
          </div>
          <div class="field">
            <label for="totp-secret">Secret (base32)</label>
            <input id="totp-secret" readOnly value={enrollment.secret} onFocus={selectAll} data-testid="totp-secret" />
          </div>
          <Field
            label="Code from the app"
            name="totp-code"
            autocomplete="one-time-code"
            required
            hint="6 digits"
            value={code}
            onValue={setCode}
            error={fieldError(error, "code")}
          />
          <Failure error={error} />
          <button type="submit" class="primary">
            Confirm and turn on
          </button>{" "}
          <button type="button" onClick={() => setEnrollment(null)}>
            Cancel
          </button>
        </form>
      ) : null}
      {on ? (
        <form onSubmit={disable} aria-labelledby="disable-title">
          <h3 id="disable-title">Turn TOTP off</h3>
          <Field
            label={recovery ? "Recovery code" : "Code from the app"}
            name="totp-off-code"
            autocomplete="off"
            required
            value={code}
            onValue={setCode}
            error={fieldError(error, recovery ? "recoveryCode" : "code")}
          />
          <Failure error={error} />
          <button type="submit" class="danger">
            Turn TOTP off
          </button>{" "}
          <button type="button" onClick={() => setRecovery(!recovery)}>
            {recovery ? "Use a code from the app" : "Use a recovery code"}
          </button>
        </form>
      ) : null}
    </section>
  );
}

const selectAll = (e: Event) => (e.target as HTMLInputElement).select();
