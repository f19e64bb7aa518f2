// Admin sign-in (email + password). The second-factor step slots in here once admin TOTP exists.
import { type ApiFailure, signIn } from "../api";
import { Field } from "../components/field";
import { Failure } from "../components/status";
import { useSignal, useState } from "../runtime";
import { endedBecause } from "../session";

export function SignIn() {
  const reason = useSignal(endedBecause);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(await signIn(email, password));
    setBusy(false);
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the edge-auth console</h1>
      {reason ? (
        <p class="notice" role="status">
          {reason}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <Field label="Email" name="email" type="email" autocomplete="username" required value={email} onValue={setEmail} />
        <Field label="Password" name="password" type="password" autocomplete="current-password" required value={password} onValue={setPassword} />
        <Failure error={error} />
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
