// Compiled by scripts/client-check.mjs in every consumer: correct calls must compile, each @ts-expect-error line
// must not (with the directives removed, exactly those lines fail), so the package's types cannot be `any`.
import { type ClientError, type ErrorCode, type User, createApiClient } from "@edge-auth/client";

const api = createApiClient({ baseUrl: "https://auth.example.com" });
const projectId = "demo";

export async function apiCalls(): Promise<string | ClientError | null> {
  const login = await api.POST("/api/auth/{projectId}/login", {
    params: { path: { projectId } },
    body: { email: "ada@example.com", password: "a long user passphrase" },
  });
  if (login.error) {
    const code: ErrorCode = login.error.code;
    return code;
  }
  // @ts-expect-error a sign-in answer may be a challenge, which has no accessToken
  void login.data.data.accessToken;
  // A user with a second factor gets the challenge instead of tokens: the union must be narrowed.
  if ("mfaRequired" in login.data.data) return login.data.data.mfaToken;
  const me = await api.GET("/api/auth/{projectId}/me", {
    params: { path: { projectId } },
    headers: { Authorization: `Bearer ${login.data.data.accessToken}` },
  });
  const user: User | undefined = me.data?.data;

  // @ts-expect-error the login body needs a password
  await api.POST("/api/auth/{projectId}/login", { params: { path: { projectId } }, body: { email: "ada@example.com" } });
  // @ts-expect-error there is no such path
  await api.GET("/api/auth/{projectId}/no-such-path", { params: { path: { projectId } } });
  // @ts-expect-error a user's email is a string
  const wrong: number | undefined = user?.email;

  return wrong === undefined ? (user?.email ?? null) : null;
}
