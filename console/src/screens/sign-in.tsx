// Admin sign-in: email + password, then (for an admin with TOTP on) the app's code or one recovery code.
import { type ApiFailure, signIn, verifySignIn } from "../api";
import { Field } from "../components/field";
import { Failure } from "../components/status";
import { useEffect, useRef, useSignal, useState } from "../runtime";
import { endedBecause } from "../session";

export function SignIn() {
  const reason = useSignal(endedBecause);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [mfa, setMfa] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const step = await signIn(email, password);
    setBusy(false);
    setError(step && "error" in step ? step.error : null);
    if (step && "mfa" in step) {
      setPassword("");
      setMfa(true);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the edge-auth console</h1>
      {reason ? (
        <p class="notice" role="status">
          {reason}
        </p>
      ) : null}
      {mfa ? (
        <SecondStep
          onRestart={() => {
            setMfa(false);
            setError(null);
          }}
        />
      ) : (
        <form onSubmit={submit}>
          <Field label="Email" name="email" type="email" autocomplete="username" required value={email} onValue={setEmail} />
          <Field label="Password" name="password" type="password" autocomplete="current-password" required value={password} onValue={setPassword} />
          <Failure error={error} />
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      )}
    </main>
  );
}

/** The challenge step: one field, either the 6-digit code or a recovery code (the switch says which). */
function SecondStep({ onRestart }: { onRestart: () => void }) {
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState("");
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land on the new step instead of a vanished password field.
  useEffect(() => heading.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(await verifySignIn(recovery ? { recoveryCode: value.trim() } : { code: value.replace(/\s/g, "") }));
    setBusy(false);
  };
  // An expired or spent challenge cannot be retried: only a new login helps.
  const restart = error?.code === "INVALID_TOKEN";
  return (
    <form onSubmit={submit} aria-labelledby="mfa-title">
      <h2 id="mfa-title" tabIndex={-1} ref={heading}>
        Second factor
      </h2>
      <p class="muted">{recovery ? "Enter one of your unused recovery codes; each works once." : "Enter the 6-digit code your authenticator app shows now."}</p>
      {recovery ? (
        <Field label="Recovery code" name="recoveryCode" autocomplete="off" required value={value} onValue={setValue} />
      ) : (
        <Field label="Authentication code" name="code" autocomplete="one-time-code" required value={value} onValue={setValue} hint="6 digits" />
      )}
      <Failure error={error} />
      <div class="toolbar">
        <button type="submit" class="primary" disabled={busy || restart}>
          Verify
        </button>
        <button
          type="button"
          onClick={() => {
            setRecovery(!recovery);
            setValue("");
            setError(null);
          }}
        >
          {recovery ? "Use the authenticator app" : "Use a recovery code"}
        </button>
        <button type="button" onClick={onRestart}>
          Start over
        </button>
      </div>
    </form>
  );
}
