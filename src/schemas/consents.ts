import { z } from "@hono/zod-openapi";
import { SUPPORTED_SCOPES } from "../oidc/scopes";
import { OAuthClientIdParam } from "./oauth-client";
import { UserIdParam } from "./project-user";

export const ConnectedAppSchema = z
  .object({
    clientId: z
      .string()
      .openapi({ description: "The third-party app's OAuth client id (`client_id`): pass it to revoke the app.", example: "cl_3kq0xP1bYt7xZ3mW9aA8Jd" }),
    clientName: z.string().openapi({ description: "The app's name, as the consent screen showed it.", example: "Example Calendar" }),
    scope: z.array(z.string()).openapi({
      description: `The scopes the user granted (of ${SUPPORTED_SCOPES.map((s) => `\`${s}\``).join(", ")}). \`offline_access\`: the app may keep access while the user is away (refresh tokens).`,
      example: ["openid", "email", "offline_access"],
    }),
    grantedAt: z.string().datetime().openapi({ description: "When the user last allowed the app on the consent screen.", example: "2026-01-01T00:00:00.000Z" }),
  })
  .openapi("ConnectedApp", {
    description:
      "A third-party app (an OAuth client that is not `firstParty`) the user allowed on the consent screen. The project's own (first-party) apps ask no consent and are never listed.",
  });

export const RevokeConsentResultSchema = z
  .object({
    revoked: z.literal(true),
    endedSessions: z
      .number()
      .int()
      .min(0)
      .openapi({ description: "How many of the user's live sessions of this app ended (their access and refresh tokens stop working).", example: 1 }),
  })
  .openapi("RevokeConsentResult", { example: { revoked: true, endedSessions: 1 } });

/** The caller's own consent to one client. */
export const MyConsentParam = OAuthClientIdParam;

export const UserConsentParam = UserIdParam.extend({ clientId: OAuthClientIdParam.shape.clientId });
