import { createRoute, z } from "@hono/zod-openapi";
import { userRoute } from "../../lib/user-route";
import { AuthResultSchema, ProjectIdParam } from "../../schemas/auth";
import { BODY_ERRORS, errorResponses, jsonBody, ok } from "../../schemas/envelope";
import {
  AuthenticationResponseSchema,
  CreationOptionsSchema,
  LoginOptionsResultSchema,
  PasskeyIdParam,
  PasskeyNameSchema,
  PasskeySchema,
  RegistrationResponseSchema,
} from "../../schemas/passkeys";

const OFF = "403 `METHOD_DISABLED` when the project has no passkey settings (`webauthn`).";

export const passkeyRegisterOptions = userRoute(
  {
    method: "post",
    path: "/api/auth/{projectId}/passkeys/register/options",
    operationId: "passkeyRegisterOptions",
    summary: "Start registering a passkey",
    description: `Creation options for \`navigator.credentials.create()\`: a discoverable credential (resident key required) with user verification required, no attestation, the user's passkeys excluded. The challenge is single-use and expires in 5 minutes. A session restricted to enrolling a second factor may call it. ${OFF}`,
    request: { params: ProjectIdParam },
    responses: { 200: ok(CreationOptionsSchema, "Creation options (WebAuthn JSON)."), ...errorResponses(404, 409) },
  },
  { restricted: "allowed" },
);

export const passkeyRegisterVerify = userRoute(
  {
    method: "post",
    path: "/api/auth/{projectId}/passkeys/register/verify",
    operationId: "passkeyRegisterVerify",
    summary: "Finish registering a passkey",
    description: `Verifies the credential (its challenge, an allowed origin of the project, the rpId, user verification) and stores the passkey. The challenge is spent by the first verify, whatever its outcome. The session counts as signed in with a second factor from its next access token (refresh once). 400 \`VALIDATION_ERROR\` when the response does not verify or its challenge is unknown, expired or spent; 409 \`CONFLICT\` when the credential is already registered. ${OFF}`,
    request: {
      params: ProjectIdParam,
      body: jsonBody(
        z
          .object({ response: RegistrationResponseSchema, name: PasskeyNameSchema.optional() })
          .openapi("PasskeyRegisterVerifyRequest", { description: '`name` defaults to "Passkey".' }),
      ),
    },
    responses: { 201: ok(PasskeySchema, "The stored passkey."), ...errorResponses(...BODY_ERRORS, 404, 409) },
  },
  { restricted: "allowed" },
);

export const passkeyLoginOptions = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/passkeys/login/options",
  operationId: "passkeyLoginOptions",
  tags: ["Auth"],
  security: [],
  summary: "Start signing in with a passkey",
  description: `Request options for \`navigator.credentials.get()\` without \`allowCredentials\` (discoverable: the authenticator offers the user's passkeys, no email needed), user verification required, and the \`challengeId\` to send back. Single-use, expires in 5 minutes. Rate-limited per IP (\`passkey_options.ip\`). ${OFF}`,
  request: { params: ProjectIdParam },
  responses: { 200: ok(LoginOptionsResultSchema, "Request options and their challenge id."), ...errorResponses(403, 404, 429) },
});

export const passkeyLoginVerify = createRoute({
  method: "post",
  path: "/api/auth/{projectId}/passkeys/login/verify",
  operationId: "passkeyLoginVerify",
  tags: ["Auth"],
  security: [],
  summary: "Sign in with a passkey",
  description: `Verifies the signed response against the passkey it names (in this project only) and starts a session with \`amr: ["webauthn"]\` (a passkey is both factors). 401 \`INVALID_CREDENTIALS\` for an unknown passkey, a bad signature, a wrong origin or rpId, an unknown, expired or spent challenge (each is single-use, spent by the first attempt), or a signature counter that went backwards (a cloned authenticator; audited). Failures are counted per IP (\`passkey_login.ip\`): over the limit, 429 with \`Retry-After\`. 403 \`USER_DISABLED\` for a disabled user. ${OFF}`,
  request: {
    params: ProjectIdParam,
    body: jsonBody(
      z
        .object({ challengeId: z.string().min(1).max(64).openapi({ example: "wch_3k9xQ2mW7bYt1xZ3mW9aAa" }), response: AuthenticationResponseSchema })
        .openapi("PasskeyLoginVerifyRequest"),
    ),
  },
  responses: { 200: ok(AuthResultSchema, "Signed in: the user and a token pair."), ...errorResponses(...BODY_ERRORS, 401, 403, 404, 429) },
});

export const listPasskeys = userRoute(
  {
    method: "get",
    path: "/api/auth/{projectId}/passkeys",
    operationId: "listPasskeys",
    summary: "List the current user's passkeys",
    description: "The user's passkeys, oldest first. A session restricted to enrolling a second factor may call it.",
    request: { params: ProjectIdParam },
    responses: { 200: ok(z.array(PasskeySchema), "The user's passkeys."), ...errorResponses(404) },
  },
  { restricted: "allowed" },
);

export const renamePasskey = userRoute({
  method: "patch",
  path: "/api/auth/{projectId}/passkeys/{passkeyId}",
  operationId: "renamePasskey",
  summary: "Rename one of the current user's passkeys",
  description: "404 when the passkey is not one of this user's.",
  request: {
    params: PasskeyIdParam,
    body: jsonBody(z.object({ name: PasskeyNameSchema }).openapi("RenamePasskeyRequest", { example: { name: "Work laptop" } })),
  },
  responses: { 200: ok(PasskeySchema, "The renamed passkey."), ...errorResponses(...BODY_ERRORS, 404) },
});

export const deletePasskey = userRoute({
  method: "delete",
  path: "/api/auth/{projectId}/passkeys/{passkeyId}",
  operationId: "deletePasskey",
  summary: "Remove one of the current user's passkeys",
  description:
    "The passkey stops signing in at once; sessions it started stay live (end them with `DELETE /sessions/{sessionId}`). 404 when it is not one of this user's.",
  request: { params: PasskeyIdParam },
  responses: {
    200: ok(z.object({ removed: z.literal(true) }).openapi("RemovePasskeyResult"), "The passkey is removed."),
    ...errorResponses(404),
  },
});
