// The session client's typing, compiled in every consumer when the package exports createAuthClient (see api.ts).
// Written against the names issue 11 documents: createAuthClient({ baseUrl, projectId }), auth.api, onAuthStateChange.
import { createAuthClient } from "@edge-auth/client";

const auth = createAuthClient({ baseUrl: "https://auth.example.com", projectId: "demo" });

export async function authCalls(): Promise<string | undefined> {
  const unsubscribe = auth.onAuthStateChange(() => {});
  unsubscribe();
  const me = await auth.api.GET("/api/auth/{projectId}/me", { params: { path: { projectId: "demo" } } });

  // @ts-expect-error a session client needs the project
  createAuthClient({ baseUrl: "https://auth.example.com" });
  // @ts-expect-error auth.api is the typed client: there is no such path
  await auth.api.GET("/api/auth/{projectId}/no-such-path", { params: { path: { projectId: "demo" } } });

  return me.data?.data.email;
}
