import { z } from "@hono/zod-openapi";
import { CLIENT_REDIRECT_URIS_MAX } from "../config";
import { redirectUriProblem } from "../oidc/redirect-uris";
import { ProjectIdParam } from "./auth";

export const OAuthClientIdParam = ProjectIdParam.extend({
  clientId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "clientId", in: "path", description: "The client's id (`client_id`)." }, example: "cl_3kq0xP1bYt7xZ3mW9aA8Jd" }),
});

const REDIRECT_RULE =
  "Absolute URLs without fragment or credentials: `https`, `http` only to `localhost`, `127.0.0.1` or `[::1]` (native apps and local development; a loopback IP matches on any port, RFC 8252), or a private-use scheme with a dot such as `com.example.app:/callback`. Matched exactly.";

// One registered URI: the registration rule of src/oidc/redirect-uris.ts, its reason as the message.
const RegisteredUri = z
  .string()
  .max(2048)
  .superRefine((text, ctx) => {
    const problem = redirectUriProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const uniqueList = (list: string[]) => new Set(list).size === list.length;

const RedirectUris = z
  .array(RegisteredUri)
  .min(1)
  .max(CLIENT_REDIRECT_URIS_MAX)
  .refine(uniqueList, "must not repeat a URI")
  .openapi({
    description: `Where the authorization endpoint may send the user back, 1–${CLIENT_REDIRECT_URIS_MAX}. ${REDIRECT_RULE}`,
    example: ["https://app.example.com/callback"],
  });

const PostLogoutRedirectUris = z
  .array(RegisteredUri)
  .max(CLIENT_REDIRECT_URIS_MAX)
  .refine(uniqueList, "must not repeat a URI")
  .openapi({
    description: `Where RP-initiated logout may send the user back (\`post_logout_redirect_uri\`), 0–${CLIENT_REDIRECT_URIS_MAX}; same rule as \`redirectUris\`.`,
    example: ["https://app.example.com/"],
  });

const ClientName = z.string().trim().min(1).max(100).openapi({ description: "Shown to users on the consent screen.", example: "Example Web App" });
const FirstParty = z.boolean().openapi({
  description: "`true`: the project's own app, no consent screen. `false` (default): a third-party app; users consent to the scopes it asks for.",
});

export const OAuthClientTypeSchema = z.enum(["public", "confidential"]).openapi("OAuthClientType", {
  description:
    "`public`: a browser or native app that cannot keep a secret (token endpoint auth `none`, PKCE). `confidential`: a server-side app with a client secret (`client_secret_basic` or `client_secret_post`). Cannot change after creation.",
});

export const CreateOAuthClientRequest = z
  .object({
    name: ClientName,
    type: OAuthClientTypeSchema,
    redirectUris: RedirectUris,
    postLogoutRedirectUris: PostLogoutRedirectUris.optional(),
    firstParty: FirstParty.optional(),
  })
  .strict()
  .openapi("CreateOAuthClientRequest", {
    example: { name: "Example Web App", type: "confidential", redirectUris: ["https://app.example.com/callback"], firstParty: true },
  });

export const UpdateOAuthClientRequest = z
  .object({
    name: ClientName.optional(),
    redirectUris: RedirectUris.optional(),
    postLogoutRedirectUris: PostLogoutRedirectUris.optional(),
    firstParty: FirstParty.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "Provide at least one field to change" })
  .openapi("UpdateOAuthClientRequest", { example: { redirectUris: ["https://app.example.com/callback", "http://127.0.0.1/callback"] } });

export const OAuthClientSchema = z
  .object({
    clientId: z.string().openapi({ description: "The `client_id` the app is configured with.", example: "cl_3kq0xP1bYt7xZ3mW9aA8Jd" }),
    name: z.string().openapi({ example: "Example Web App" }),
    type: OAuthClientTypeSchema,
    firstParty: z.boolean(),
    redirectUris: z.array(z.string()).openapi({ example: ["https://app.example.com/callback"] }),
    postLogoutRedirectUris: z.array(z.string()).openapi({ example: ["https://app.example.com/"] }),
    previousSecretExpiresAt: z
      .string()
      .datetime()
      .nullable()
      .openapi({ description: "After a secret rotation: until when the previous secret still authenticates; null otherwise." }),
    createdAt: z.string().datetime(),
    updatedAt: z.string().datetime(),
  })
  .openapi("OAuthClient");

const CLIENT_SECRET_DOC = {
  description: "The client secret, shown only in this response: store it now. Only its SHA-256 is kept.",
  example: "cs_Zk3m9QpL2xV7bN1cR8tY4uW6aE0sD5fGhJ",
};

export const OAuthClientWithSecretSchema = z
  .object({
    ...OAuthClientSchema.shape,
    clientSecret: z
      .string()
      .optional()
      .openapi({ ...CLIENT_SECRET_DOC, description: `${CLIENT_SECRET_DOC.description} Confidential clients only.` }),
  })
  .openapi("OAuthClientWithSecret");

export const OAuthClientRotatedSchema = z
  .object({ ...OAuthClientSchema.shape, clientSecret: z.string().openapi(CLIENT_SECRET_DOC) })
  .openapi("OAuthClientRotated");

export const DeleteOAuthClientResultSchema = z
  .object({
    deleted: z.literal(true),
    revokedSessions: z.number().int().openapi({ description: "Live sessions issued to the client that the deletion ended.", example: 3 }),
  })
  .openapi("DeleteOAuthClientResult");
