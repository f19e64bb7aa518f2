// Passkey (WebAuthn) shapes: the stored passkey as the API shows it, the ceremony options we send
// (WebAuthn's JSON forms, ready for PublicKeyCredential.parse*OptionsFromJSON) and the browser's
// credential.toJSON() we accept back.
import { z } from "@hono/zod-openapi";
import { ProjectIdParam } from "./auth";
import { PasskeySchema, TransportsSchema } from "./mfa";

export { PasskeySchema };

const b64url = (max: number, example: string) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, "must be base64url without padding")
    .openapi({ example });

export const PasskeyNameSchema = z.string().trim().min(1).max(100).openapi({ example: "MacBook Touch ID" });

const CredentialDescriptorSchema = z.object({
  id: b64url(1366, "AQIDBAUGBwgJCgsMDQ4PEA"),
  type: z.string().openapi({ example: "public-key" }),
  transports: TransportsSchema.optional(),
});

export const CreationOptionsSchema = z
  .object({
    challenge: b64url(256, "VQzG1H9TbXh1a2xvT2pUeFhmR0pXbnRsUHN3cUE"),
    rp: z.object({ id: z.string().optional(), name: z.string() }),
    user: z.object({ id: b64url(128, "Q2h2bEZwbTZ4NUJ5R3hWZlZrRkpIVTVkQ1N3cQ"), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ type: z.literal("public-key"), alg: z.number().int() })),
    timeout: z.number().int().optional(),
    excludeCredentials: z.array(CredentialDescriptorSchema).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.string().optional(),
        residentKey: z.string().optional(),
        requireResidentKey: z.boolean().optional(),
        userVerification: z.string().optional(),
      })
      .optional(),
    attestation: z.string().optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
    hints: z.array(z.string()).optional(),
  })
  .openapi("PasskeyCreationOptions", {
    description:
      "`PublicKeyCredentialCreationOptionsJSON`: pass it to `PublicKeyCredential.parseCreationOptionsFromJSON()` and `navigator.credentials.create({ publicKey })`.",
  });

export const RequestOptionsSchema = z
  .object({
    challenge: b64url(256, "VQzG1H9TbXh1a2xvT2pUeFhmR0pXbnRsUHN3cUE"),
    rpId: z.string().optional(),
    timeout: z.number().int().optional(),
    allowCredentials: z.array(CredentialDescriptorSchema).optional(),
    userVerification: z.string().optional(),
    extensions: z.record(z.string(), z.unknown()).optional(),
    hints: z.array(z.string()).optional(),
  })
  .openapi("PasskeyRequestOptions", {
    description:
      "`PublicKeyCredentialRequestOptionsJSON`: pass it to `PublicKeyCredential.parseRequestOptionsFromJSON()` and `navigator.credentials.get({ publicKey })`.",
  });

export const LoginOptionsResultSchema = z
  .object({
    challengeId: z
      .string()
      .openapi({ description: "Send it back with the signed response to `/passkeys/login/verify`.", example: "wch_3k9xQ2mW7bYt1xZ3mW9aAa" }),
    options: RequestOptionsSchema,
  })
  .openapi("PasskeyLoginOptions");

const clientFields = {
  id: b64url(1366, "AQIDBAUGBwgJCgsMDQ4PEA"),
  rawId: b64url(1366, "AQIDBAUGBwgJCgsMDQ4PEA"),
  type: z.literal("public-key"),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).openapi({ example: {} }),
};

export const RegistrationResponseSchema = z
  .object({
    ...clientFields,
    response: z.object({
      clientDataJSON: b64url(4096, "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0"),
      attestationObject: b64url(16384, "o2NmbXRkbm9uZQ"),
      authenticatorData: b64url(8192, "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2M").optional(),
      transports: TransportsSchema.optional(),
      publicKeyAlgorithm: z.number().int().optional(),
      publicKey: b64url(8192, "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE").optional(),
    }),
  })
  .openapi("PasskeyRegistrationResponse", { description: "The `PublicKeyCredential` from `navigator.credentials.create()`, as its `toJSON()` gives it." });

export const AuthenticationResponseSchema = z
  .object({
    ...clientFields,
    response: z.object({
      clientDataJSON: b64url(4096, "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0"),
      authenticatorData: b64url(8192, "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2M"),
      signature: b64url(1024, "MEUCIQDx"),
      userHandle: b64url(128, "Q2h2bEZwbTZ4NUJ5R3hWZlZrRkpIVTVkQ1N3cQ").optional(),
    }),
  })
  .openapi("PasskeyAuthenticationResponse", { description: "The `PublicKeyCredential` from `navigator.credentials.get()`, as its `toJSON()` gives it." });

export const PasskeyIdParam = ProjectIdParam.extend({
  passkeyId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "passkeyId", in: "path", description: "The passkey's id (`pk_…`)." }, example: "pk_3k9xQ2mW7bYt1xZ3mW9aAa" }),
});
