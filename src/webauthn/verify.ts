// Relying-party verification of WebAuthn ceremonies (W3C WebAuthn Level 3 §7.1 registration,
// §7.2 authentication) for attestation "none": the checks @simplewebauthn/server 14 made on that
// path, plus a few it skipped (see each). Every refusal throws an Error saying why.
import { base64url, fromBase64url, fromUtf8, utf8 } from "../crypto/encoding";
import { aaguidString, type AuthenticatorData, backupStateOf, parseAuthenticatorData } from "./authenticator-data";
import { isMap, readWhole, sameBytes } from "./cbor";
import { importCredentialKey } from "./cose";

interface CredentialJSON {
  id: string;
  rawId: string;
  type: string;
}

export interface RegistrationResponseJSON extends CredentialJSON {
  response: { clientDataJSON: string; attestationObject: string };
}

export interface AuthenticationResponseJSON extends CredentialJSON {
  response: { clientDataJSON: string; authenticatorData: string; signature: string; userHandle?: string };
}

interface Expected {
  expectedChallenge: string;
  expectedOrigins: readonly string[];
  expectedRpId: string;
  requireUserVerification: boolean;
}

export interface VerifiedRegistration {
  /** base64url of the credential id in authenticatorData (equal to the response's id). */
  credentialId: string;
  /** The credential's COSE_Key bytes, as stored (base64url) in passkeys.public_key. */
  publicKey: Uint8Array;
  counter: number;
  aaguid: string;
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  userVerified: boolean;
}

export interface VerifiedAuthentication {
  newCounter: number;
  deviceType: "singleDevice" | "multiDevice";
  backedUp: boolean;
  userVerified: boolean;
}

const sha256 = async (bytes: Uint8Array<ArrayBuffer>) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));

/** What an assertion or a self attestation signs: authenticatorData || SHA-256(clientDataJSON) (§6.3.3, §8.2). */
async function signedData(authData: Uint8Array, clientDataJSON: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const signed = new Uint8Array(authData.length + 32);
  signed.set(authData);
  signed.set(await sha256(clientDataJSON), authData.length);
  return signed;
}

function decodeBase64url(text: unknown, what: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text)) throw new Error(`${what} is not base64url`);
  try {
    return fromBase64url(text);
  } catch {
    throw new Error(`${what} is not base64url`);
  }
}

function checkCredential(response: CredentialJSON) {
  if (!response.id) throw new Error("Missing credential ID");
  if (response.id !== response.rawId) throw new Error("Credential ID was not base64url-encoded");
  if (response.type !== "public-key") throw new Error(`Unexpected credential type ${response.type}, expected "public-key"`);
}

/** §7.1 steps 5-10 / §7.2 steps 9-14: the client data, returned as the bytes its hash covers. */
function checkClientData(encoded: string, type: "webauthn.create" | "webauthn.get", expected: Expected): Uint8Array<ArrayBuffer> {
  const bytes = decodeBase64url(encoded, "clientDataJSON");
  let data: unknown;
  try {
    data = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new Error("clientDataJSON is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("clientDataJSON is not an object");
  const c = data as Record<string, unknown>;
  if (c.type !== type) throw new Error(`Unexpected response type: ${String(c.type)}`);
  if (c.challenge !== expected.expectedChallenge) throw new Error("Unexpected response challenge");
  // No page of ours is expected to run inside a cross-origin frame: a topOrigin (present only for
  // one) is refused. (@simplewebauthn did so for sign-in only; L3 §7.1 step 10 asks it for both.)
  if (c.topOrigin !== undefined) {
    throw new Error(
      c.crossOrigin ? `Unexpected cross-origin response from top origin "${String(c.topOrigin)}"` : "Unexpected topOrigin in a same-origin response",
    );
  }
  if (typeof c.origin !== "string" || !expected.expectedOrigins.includes(c.origin)) {
    throw new Error(`Unexpected response origin "${String(c.origin)}", expected one of: ${expected.expectedOrigins.join(", ")}`);
  }
  const binding = c.tokenBinding;
  if (binding) {
    const statuses = type === "webauthn.create" ? ["present", "supported", "not-supported"] : ["present", "supported", "notSupported"];
    if (typeof binding !== "object" || !statuses.includes((binding as { status?: unknown }).status as string)) {
      throw new Error("Unexpected tokenBinding in clientDataJSON");
    }
  }
  return bytes;
}

/** §7.1 steps 13-16 / §7.2 steps 15-17: RP id hash, user presence and verification, backup flags. */
async function checkAuthenticatorData(authData: AuthenticatorData, expected: Expected) {
  if (!sameBytes(authData.rpIdHash, await sha256(utf8(expected.expectedRpId)))) throw new Error("Unexpected RP ID hash");
  if (!authData.flags.up) throw new Error("User presence was required, but user was not present");
  if (expected.requireUserVerification && !authData.flags.uv) throw new Error("User verification was required, but user could not be verified");
  return backupStateOf(authData.flags);
}

export async function verifyRegistration(opts: Expected & { response: RegistrationResponseJSON }): Promise<VerifiedRegistration> {
  const { response } = opts;
  checkCredential(response);
  const clientDataJSON = checkClientData(response.response.clientDataJSON, "webauthn.create", opts);
  const object = readWhole(decodeBase64url(response.response.attestationObject, "attestationObject"));
  if (!isMap(object)) throw new Error("attestationObject is not a CBOR map");
  const fmt = object.get("fmt");
  const attStmt = object.get("attStmt");
  const rawAuthData = object.get("authData");
  if (!(rawAuthData instanceof Uint8Array)) throw new Error("attestationObject has no authData");
  if (!isMap(attStmt)) throw new Error("attestationObject has no attStmt map");
  const authData = parseAuthenticatorData(rawAuthData);
  const backup = await checkAuthenticatorData(authData, opts);
  const attested = authData.attested;
  if (!attested) throw new Error("No credential ID was provided by authenticator");
  // The credential the browser names must be the one the authenticator attested (@simplewebauthn did not compare them).
  const credentialId = base64url(attested.credentialId);
  if (credentialId !== response.id) throw new Error("Credential ID does not match the attested credential");
  // Imported now, so a key that could never verify a sign-in is refused at registration.
  const key = await importCredentialKey(attested.publicKeyMap);
  if (fmt === "none") {
    if (attStmt.size > 0) throw new Error("None attestation had unexpected attestation statement");
  } else if (fmt === "packed" && !attStmt.has("x5c")) {
    // Self attestation (§8.2, no certificate): signed by the credential's own key with its own alg.
    const sig = attStmt.get("sig");
    if (attStmt.size !== 2 || attStmt.get("alg") !== key.alg || !(sig instanceof Uint8Array)) throw new Error("Malformed packed self attestation statement");
    if (!(await key.verify(sig, await signedData(rawAuthData, clientDataJSON)))) throw new Error("Packed self attestation signature did not verify");
  } else if (fmt === "packed") {
    throw new Error("attestation certificates are not accepted (this service requests attestation: none)");
  } else {
    throw new Error(`Unsupported Attestation Format: ${String(fmt)}`);
  }
  return {
    credentialId,
    publicKey: attested.publicKey,
    counter: authData.counter,
    aaguid: aaguidString(attested.aaguid),
    ...backup,
    userVerified: authData.flags.uv,
  };
}

export async function verifyAuthentication(
  opts: Expected & { response: AuthenticationResponseJSON; credentialId: string; publicKey: Uint8Array },
): Promise<VerifiedAuthentication> {
  const { response } = opts;
  checkCredential(response);
  if (response.id !== opts.credentialId) throw new Error("The response names another credential");
  const clientDataJSON = checkClientData(response.response.clientDataJSON, "webauthn.get", opts);
  const rawAuthData = decodeBase64url(response.response.authenticatorData, "authenticatorData");
  const signature = decodeBase64url(response.response.signature, "signature");
  const authData = parseAuthenticatorData(rawAuthData);
  // An assertion carries no attested credential data (§6.3.3); @simplewebauthn tolerated it.
  if (authData.flags.at) throw new Error("Unexpected attested credential data in an assertion");
  const backup = await checkAuthenticatorData(authData, opts);
  const stored = readWhole(opts.publicKey);
  if (!isMap(stored)) throw new Error("Stored public key is not a CBOR map");
  const key = await importCredentialKey(stored);
  if (!(await key.verify(signature, await signedData(rawAuthData, clientDataJSON)))) throw new Error("The signature did not verify");
  return { newCounter: authData.counter, ...backup, userVerified: authData.flags.uv };
}
