// Calls the service's JSON API from a Node script and unwraps the envelope (browser tests' setup).
/** `data` of the envelope, or an Error naming the call and the answer. `session` is sent as X-Admin-Session. */
export async function envelopeCall(baseUrl, path, { body, session, method = body === undefined ? "GET" : "POST", headers = {} } = {}) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...(session ? { "X-Admin-Session": session } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
  return data.data;
}
