// A project's signing keys: the active one signs, retired ones verify until their last token expires.
import { api, type ApiFailure, call } from "../api";
import { ConfirmButton } from "../components/confirm";
import { Empty, Failure, Loading } from "../components/status";
import { useLoad } from "../load";
import { useSignal, useState } from "../runtime";
import { canWrite, session } from "../session";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

export function Keys({ projectId }: { projectId: string }) {
  const writer = canWrite(useSignal(session));
  const keys = useLoad(() => call(api().GET("/api/admin/projects/{projectId}/keys", { params: { path: { projectId } } })), [projectId]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const list = keys.data?.data ?? [];
  const rotate = async () => {
    const r = await call(api().POST("/api/admin/projects/{projectId}/keys/rotate", { params: { path: { projectId } } }));
    setError(r.error);
    keys.reload();
  };
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Signing keys</h2>
      {writer ? (
        <ConfirmButton
          label="Rotate key"
          question="Sign new tokens with a fresh key? The current key keeps verifying the tokens it signed until they expire."
          onConfirm={rotate}
        />
      ) : null}
      <Failure error={error ?? keys.error} />
      {keys.loading && !keys.data ? <Loading what="keys" /> : null}
      {keys.data && list.length === 0 ? <Empty>No keys.</Empty> : null}
      {list.length ? (
        <table>
          <caption class="sr-only">Signing keys</caption>
          <thead>
            <tr>
              <th scope="col">Key id</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Retired</th>
              <th scope="col">In the JWKS until</th>
            </tr>
          </thead>
          <tbody>
            {list.map((k) => (
              <tr key={k.kid}>
                <td>
                  <code>{k.kid}</code>
                </td>
                <td>{k.alg}</td>
                <td>{k.status}</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.retiredAt)}</td>
                <td>{k.status === "active" ? "while active" : when(k.verifyUntil)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
