// The `./server` entry's typing, compiled in every consumer when the package has that entry (see api.ts).
// Written against the names issue 11 documents: createVerifier({ baseUrl, projectId }), verify(token[, { online }]), requireAuth(verifier).
import { createVerifier, requireAuth } from "@edge-auth/client/server";

const verifier = createVerifier({ baseUrl: "https://auth.example.com", projectId: "demo" });
export const middleware = requireAuth(verifier);

export async function verifyCalls(token: string): Promise<unknown[]> {
  const offline = await verifier.verify(token);
  const online = await verifier.verify(token, { online: true });

  // @ts-expect-error a verifier needs the project
  createVerifier({ baseUrl: "https://auth.example.com" });
  // @ts-expect-error a token is a string
  await verifier.verify(42);
  // @ts-expect-error `online` is a boolean
  await verifier.verify(token, { online: "yes" });

  return [offline, online];
}
