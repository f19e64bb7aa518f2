// The ceremony options sent to browsers (WebAuthn's PublicKeyCredential*OptionsJSON), field for
// field and in the order @simplewebauthn/server 14 wrote them, so the published shape is unchanged.
import { base64url } from "../crypto/encoding";
import { SUPPORTED_ALGS } from "./cose";

export interface RegistrationOptionsInput {
  rpName: string;
  rpId: string;
  userName: string;
  userDisplayName: string;
  userId: Uint8Array;
  challenge: Uint8Array;
  timeout: number;
  excludeCredentials: { id: string; transports: string[] }[];
}

/** Creation options: a discoverable credential with user verification, attestation "none". */
export function registrationOptions(input: RegistrationOptionsInput) {
  return {
    challenge: base64url(input.challenge),
    rp: { name: input.rpName, id: input.rpId },
    user: { id: base64url(input.userId), name: input.userName, displayName: input.userDisplayName },
    pubKeyCredParams: SUPPORTED_ALGS.map((alg) => ({ alg, type: "public-key" as const })),
    timeout: input.timeout,
    attestation: "none",
    excludeCredentials: input.excludeCredentials.map((c) => ({ id: c.id, transports: c.transports, type: "public-key" })),
    // A passkey signs in on its own and counts as a second factor: it must be discoverable and verify the user.
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
    extensions: { credProps: true },
    hints: [] as string[],
  };
}

/** Request options without allowCredentials (discoverable sign-in), user verification required. */
export function authenticationOptions(input: { rpId: string; challenge: Uint8Array; timeout: number }) {
  return { rpId: input.rpId, challenge: base64url(input.challenge), timeout: input.timeout, userVerification: "required" };
}
