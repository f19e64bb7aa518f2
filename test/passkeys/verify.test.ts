// Differential test of the Worker's WebAuthn verifier (src/webauthn) against @simplewebauthn/server
// 14, the library it replaced (kept as a dev dependency for this): ES256, EdDSA and RS256 software
// credentials, well-formed responses and a table of mutations. Both must accept or refuse each
// case alike, and on acceptance return the same credential; the few cases where ours is stricter
// on purpose name the library's answer and why.
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";
import { beforeAll, describe, expect, it } from "vitest";
import { authenticationOptions, registrationOptions } from "../../src/webauthn/options";
import { verifyAuthentication, verifyRegistration } from "../../src/webauthn/verify";
import { b64url, cbor } from "../helpers/webauthn";
import {
  type Alg,
  authenticationResponse,
  CHALLENGE,
  COSE_ALG_OF,
  ORIGINS,
  type Parts,
  RP_ID,
  registrationResponse,
  type SoftCredential,
  softCredential,
} from "../helpers/webauthn-builder";
import { concat, derInteger, derSequence, derSignature, FLAG } from "../helpers/webauthn";

const ALGS: Alg[] = ["ES256", "EdDSA", "RS256"];
const creds = {} as Record<Alg, SoftCredential>;
const others = {} as Record<Alg, SoftCredential>;
beforeAll(async () => {
  for (const alg of ALGS) {
    creds[alg] = await softCredential(alg);
    others[alg] = await softCredential(alg);
  }
});

type Verdict = "accept" | "reject";
type Outcome = { verdict: "accept"; info: Record<string, unknown> } | { verdict: "reject"; error: string };
const expected = { expectedChallenge: CHALLENGE, requireUserVerification: true } as const;

async function outcome(run: () => Promise<Record<string, unknown> | undefined>): Promise<Outcome> {
  try {
    const info = await run();
    return info ? { verdict: "accept", info } : { verdict: "reject", error: "verified: false" };
  } catch (err) {
    return { verdict: "reject", error: err instanceof Error ? err.message : String(err) };
  }
}

type RegistrationJSON = Awaited<ReturnType<typeof registrationResponse>>;
type AuthenticationJSON = Awaited<ReturnType<typeof authenticationResponse>>;

const oursRegister = (response: RegistrationJSON) =>
  outcome(async () => {
    const r = await verifyRegistration({ ...expected, response, expectedOrigins: ORIGINS, expectedRpId: RP_ID });
    return { id: r.credentialId, publicKey: b64url(r.publicKey), counter: r.counter, aaguid: r.aaguid, deviceType: r.deviceType, backedUp: r.backedUp };
  });
const libraryRegister = (response: RegistrationJSON) =>
  outcome(async () => {
    const v = await verifyRegistrationResponse({ ...expected, response, expectedOrigin: ORIGINS, expectedRPID: RP_ID });
    const r = v.verified ? v.registrationInfo : undefined;
    return (
      r && {
        id: r.credential.id,
        publicKey: b64url(r.credential.publicKey),
        counter: r.credential.counter,
        aaguid: r.aaguid,
        deviceType: r.credentialDeviceType,
        backedUp: r.credentialBackedUp,
      }
    );
  });
const oursAuthenticate = (response: AuthenticationJSON, id: string, publicKey: Uint8Array) =>
  outcome(async () => {
    const r = await verifyAuthentication({ ...expected, response, expectedOrigins: ORIGINS, expectedRpId: RP_ID, credentialId: id, publicKey });
    return { newCounter: r.newCounter, deviceType: r.deviceType, backedUp: r.backedUp };
  });
const libraryAuthenticate = (response: AuthenticationJSON, id: string, publicKey: Uint8Array) =>
  outcome(async () => {
    const v = await verifyAuthenticationResponse({
      ...expected,
      response,
      expectedOrigin: ORIGINS,
      expectedRPID: RP_ID,
      // As the handler called it: counter 0, the regression is judged by the handler.
      credential: { id, publicKey: new Uint8Array(publicKey), counter: 0, transports: [] },
    });
    const r = v.verified ? v.authenticationInfo : undefined;
    return r && { newCounter: r.newCounter, deviceType: r.credentialDeviceType, backedUp: r.credentialBackedUp };
  });

interface Case {
  name: string;
  /** Default: every algorithm. */
  algs?: Alg[];
  parts: (cred: SoftCredential, other: SoftCredential) => Parts | Promise<Parts>;
  /** Our verdict (also the library's unless `library` says otherwise). */
  verdict: Verdict;
  /** Where ours is stricter on purpose: the library's verdict, and why ours differs. */
  library?: Verdict | Partial<Record<Alg, Verdict>>;
  why?: string;
  /** Authentication: the stored COSE key (default the credential's). */
  stored?: (cred: SoftCredential) => Uint8Array;
}

const libraryVerdict = (c: Case, alg: Alg): Verdict =>
  c.library === undefined ? c.verdict : typeof c.library === "string" ? c.library : (c.library[alg] ?? c.verdict);

/** The COSE key with label 3 (alg) set to `alg`, or removed when undefined. */
const coseWithAlg = (cred: SoftCredential, alg: number | undefined) =>
  cbor(new Map(cred.coseEntries.flatMap(([k, v]) => (k !== 3 ? [[k, v] as const] : alg === undefined ? [] : [[k, alg] as const]))));
const OTHER_SUPPORTED: Record<Alg, number> = { ES256: -257, EdDSA: -7, RS256: -7 };
/** The COSE key with its first byte string's length written one size too long (not shortest form). */
function nonShortestCose(cose: Uint8Array): Uint8Array {
  const i = cose.findIndex((b) => b === 0x58 || b === 0x59);
  return cose[i] === 0x58
    ? concat(cose.slice(0, i), new Uint8Array([0x59, 0, cose[i + 1]!]), cose.slice(i + 2))
    : concat(cose.slice(0, i), new Uint8Array([0x5a, 0, 0, cose[i + 1]!, cose[i + 2]!]), cose.slice(i + 3));
}
/** fmt "packed" without x5c (self attestation, §8.2): `cred`'s alg, and `signer`'s signature over the attested bytes. */
const packedSelfAttestation = (cred: SoftCredential, signer: SoftCredential): Parts => ({
  fmt: "packed",
  attStmtOf: async (signed) =>
    new Map<string, number | Uint8Array>([
      ["alg", COSE_ALG_OF[cred.alg]],
      ["sig", await signer.sign(signed)],
    ]),
});
/** WebCrypto's ECDSA r||s over `signed`, signed again until r's first byte passes `wanted` (each signature is random). */
async function rawSignatureWhere(cred: SoftCredential, signed: Uint8Array, wanted: (r0: number) => boolean): Promise<Uint8Array> {
  let raw: Uint8Array;
  do raw = await cred.sign(signed, true);
  while (!wanted(raw[0]!));
  return raw;
}
const extensionsMap = cbor(new Map([["credProtect", 2]]));
const TOP = { crossOrigin: true, topOrigin: "https://framer.example" };

const registrationCases: Case[] = [
  { name: "a well-formed response", parts: () => ({}), verdict: "accept" },
  { name: "backup eligible and backed up (multiDevice)", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.AT | FLAG.BE | FLAG.BS }), verdict: "accept" },
  { name: "backup eligible, not backed up", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.AT | FLAG.BE }), verdict: "accept" },
  { name: "signature counter 7", parts: () => ({ counter: 7 }), verdict: "accept" },
  { name: "signature counter 2^32-1", parts: () => ({ counter: 0xffffffff }), verdict: "accept" },
  { name: "a non-zero AAGUID", parts: () => ({ aaguid: Uint8Array.from({ length: 16 }, (_, i) => i * 17) }), verdict: "accept" },
  { name: "the second allowed origin", parts: () => ({ clientData: { origin: ORIGINS[1] } }), verdict: "accept" },
  { name: "crossOrigin true without topOrigin", parts: () => ({ clientData: { crossOrigin: true } }), verdict: "accept" },
  { name: "tokenBinding status present", parts: () => ({ clientData: { tokenBinding: { status: "present" } } }), verdict: "accept" },
  { name: "ED flag with an extensions map", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.AT | FLAG.ED, extensions: extensionsMap }), verdict: "accept" },
  {
    name: "packed self attestation",
    parts: (cred) => packedSelfAttestation(cred, cred),
    verdict: "accept",
  },
  { name: "type webauthn.get", parts: () => ({ clientData: { type: "webauthn.get" } }), verdict: "reject" },
  { name: "another challenge", parts: () => ({ clientData: { challenge: "b3RoZXI" } }), verdict: "reject" },
  { name: "no challenge", parts: () => ({ clientData: { challenge: undefined } }), verdict: "reject" },
  { name: "an origin not allowed", parts: () => ({ clientData: { origin: "https://evil.example" } }), verdict: "reject" },
  { name: "an allowed origin with a trailing slash", parts: () => ({ clientData: { origin: `${ORIGINS[0]}/` } }), verdict: "reject" },
  { name: "clientDataJSON not JSON", parts: () => ({ clientDataBytes: new TextEncoder().encode("{not json") }), verdict: "reject" },
  { name: "tokenBinding with an unknown status", parts: () => ({ clientData: { tokenBinding: { status: "bogus" } } }), verdict: "reject" },
  { name: "another rpIdHash", parts: () => ({ rpId: "example.test" }), verdict: "reject" },
  { name: "UP off", parts: () => ({ flags: FLAG.UV | FLAG.AT }), verdict: "reject" },
  { name: "UV off (required)", parts: () => ({ flags: FLAG.UP | FLAG.AT }), verdict: "reject" },
  { name: "AT off, no attested data", parts: () => ({ flags: FLAG.UP | FLAG.UV, attested: null }), verdict: "reject" },
  { name: "AT off with attested data", parts: () => ({ flags: FLAG.UP | FLAG.UV }), verdict: "reject" },
  { name: "BS without BE", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.AT | FLAG.BS }), verdict: "reject" },
  { name: "a trailing byte in authenticatorData", parts: () => ({ trailing: new Uint8Array([0]) }), verdict: "reject" },
  { name: "ED flag without extension data", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.AT | FLAG.ED }), verdict: "reject" },
  { name: "extension data without the ED flag", parts: () => ({ extensions: extensionsMap }), verdict: "reject" },
  { name: "attested data cut short", parts: () => ({ attested: new Uint8Array(17) }), verdict: "reject" },
  {
    name: 'fmt "packed" with an x5c certificate',
    parts: (cred) => ({
      fmt: "packed",
      attStmt: new Map<string, number | Uint8Array | Uint8Array[]>([
        ["alg", COSE_ALG_OF[cred.alg]],
        ["sig", new Uint8Array(70)],
        ["x5c", [new Uint8Array(300)]],
      ]),
    }),
    verdict: "reject",
  },
  {
    name: "packed self attestation with a bad signature",
    parts: (cred, other) => packedSelfAttestation(cred, other),
    verdict: "reject",
  },
  { name: 'fmt "fido-u2f" without a statement', parts: () => ({ fmt: "fido-u2f" }), verdict: "reject" },
  { name: "an unknown fmt", parts: () => ({ fmt: "made-up" }), verdict: "reject" },
  { name: 'fmt "none" with a non-empty attStmt', parts: () => ({ attStmt: new Map([["sig", new Uint8Array(8)]]) }), verdict: "reject" },
  { name: "rawId differs from id", parts: () => ({ rawId: "AAAAAAAAAAAAAAAAAAAAAA" }), verdict: "reject" },
  { name: "credential type not public-key", parts: () => ({ type: "password" }), verdict: "reject" },
  { name: "COSE key without alg", parts: (cred) => ({ cose: coseWithAlg(cred, undefined) }), verdict: "reject" },
  { name: "COSE key with an unsupported alg (ES384)", parts: (cred) => ({ cose: coseWithAlg(cred, -35) }), verdict: "reject" },
  { name: "COSE key not in shortest CBOR form", parts: (cred) => ({ cose: nonShortestCose(cred.cose) }), verdict: "reject" },
  {
    name: "crossOrigin true with a topOrigin",
    parts: () => ({ clientData: TOP }),
    verdict: "reject",
    library: "accept",
    why: "WebAuthn L3 §7.1 step 10: a topOrigin must be one the RP expects; no page of ours is framed cross-origin (the library checks it at sign-in only)",
  },
  {
    name: "topOrigin in a same-origin response",
    parts: () => ({ clientData: { topOrigin: "https://framer.example" } }),
    verdict: "reject",
    library: "accept",
    why: "a topOrigin is only defined for cross-origin calls (the library refuses it at sign-in only)",
  },
  {
    name: "id names another credential than the attested one",
    parts: () => ({ id: "AQIDBAUGBwgJCgsMDQ4PEA" }),
    verdict: "reject",
    library: "accept",
    why: "§7.1: the credential id is the one in authenticatorData; the library ignores response.id and stores the attested one",
  },
  {
    name: "COSE alg of another supported algorithm than the key's type",
    parts: (cred) => ({ cose: coseWithAlg(cred, OTHER_SUPPORTED[cred.alg]) }),
    verdict: "reject",
    library: "accept",
    why: "§6.5.1.1: each alg has one key type/curve; the library only checks alg is in the list (it would verify later with the key type, whatever alg says)",
  },
  {
    name: "COSE EC2 key with a 31-byte x",
    algs: ["ES256"],
    parts: (cred) => ({ cose: cbor(new Map(cred.coseEntries.map(([k, v]) => [k, k === -2 ? (v as Uint8Array).slice(1) : v]))) }),
    verdict: "reject",
    library: "accept",
    why: "the key is imported at registration, so a key that could never verify a sign-in is not stored (the library first imports it at sign-in)",
  },
  {
    name: "COSE EC2 point not on P-256",
    algs: ["ES256"],
    parts: (cred) => ({ cose: cbor(new Map(cred.coseEntries.map(([k, v]) => [k, k === -2 || k === -3 ? new Uint8Array(32).fill(7) : v]))) }),
    verdict: "reject",
    library: "accept",
    why: "as above: WebCrypto refuses the point at import",
  },
  {
    name: "a 1024-byte credential id",
    algs: ["ES256"],
    parts: () => ({ credentialId: new Uint8Array(1024).fill(1) }),
    verdict: "reject",
    library: "accept",
    why: "WebAuthn L3 §7.1 step 22: credentialId must be at most 1023 bytes",
  },
  {
    name: "bytes after the attestation object",
    parts: () => ({ objectTrailing: new Uint8Array([0]) }),
    verdict: "reject",
    library: "accept",
    why: "the attestationObject is one CBOR map; the library decodes the first item and ignores the rest",
  },
];

const authenticationCases: Case[] = [
  { name: "a well-formed response", parts: () => ({}), verdict: "accept" },
  { name: "signature counter 0", parts: () => ({ counter: 0 }), verdict: "accept" },
  { name: "signature counter 2^32-1", parts: () => ({ counter: 0xffffffff }), verdict: "accept" },
  { name: "backup eligible and backed up", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.BE | FLAG.BS }), verdict: "accept" },
  { name: "backup eligible, not backed up", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.BE }), verdict: "accept" },
  { name: "the second allowed origin", parts: () => ({ clientData: { origin: ORIGINS[1] } }), verdict: "accept" },
  { name: "crossOrigin true without topOrigin", parts: () => ({ clientData: { crossOrigin: true } }), verdict: "accept" },
  { name: "ED flag with an extensions map", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.ED, extensions: extensionsMap }), verdict: "accept" },
  { name: "type webauthn.create", parts: () => ({ clientData: { type: "webauthn.create" } }), verdict: "reject" },
  { name: "another challenge", parts: () => ({ clientData: { challenge: "b3RoZXI" } }), verdict: "reject" },
  { name: "an origin not allowed", parts: () => ({ clientData: { origin: "https://evil.example" } }), verdict: "reject" },
  { name: "clientDataJSON not JSON", parts: () => ({ clientDataBytes: new TextEncoder().encode("[") }), verdict: "reject" },
  { name: "crossOrigin true with a topOrigin", parts: () => ({ clientData: TOP }), verdict: "reject" },
  { name: "topOrigin in a same-origin response", parts: () => ({ clientData: { topOrigin: "https://framer.example" } }), verdict: "reject" },
  { name: "tokenBinding with an unknown status", parts: () => ({ clientData: { tokenBinding: { status: "bogus" } } }), verdict: "reject" },
  { name: "another rpIdHash", parts: () => ({ rpId: "example.test" }), verdict: "reject" },
  { name: "UP off", parts: () => ({ flags: FLAG.UV }), verdict: "reject" },
  { name: "UV off (required)", parts: () => ({ flags: FLAG.UP }), verdict: "reject" },
  { name: "BS without BE", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.BS }), verdict: "reject" },
  { name: "AT flag without attested data", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.AT }), verdict: "reject" },
  { name: "ED flag without extension data", parts: () => ({ flags: FLAG.UP | FLAG.UV | FLAG.ED }), verdict: "reject" },
  { name: "extension data without the ED flag", parts: () => ({ extensions: extensionsMap }), verdict: "reject" },
  { name: "a trailing byte in authenticatorData", parts: () => ({ trailing: new Uint8Array([0]) }), verdict: "reject" },
  { name: "rawId differs from id", parts: () => ({ rawId: "AAAAAAAAAAAAAAAAAAAAAA" }), verdict: "reject" },
  { name: "credential type not public-key", parts: () => ({ type: "password" }), verdict: "reject" },
  {
    name: "a tampered signature (last byte flipped)",
    parts: () => ({ signature: (sig) => Uint8Array.from(sig, (b, i) => (i === sig.length - 1 ? b ^ 1 : b)) }),
    verdict: "reject",
  },
  { name: "a signature one byte short", parts: () => ({ signature: (sig) => sig.slice(0, -1) }), verdict: "reject" },
  { name: "a signature by another key", parts: (_, other) => ({ signature: (_sig, signed) => other.sign(signed) }), verdict: "reject" },
  {
    name: "authenticatorData changed after signing",
    parts: () => ({ authDataAfterSigning: (a) => Uint8Array.from(a, (b, i) => (i === a.length - 1 ? b ^ 1 : b)) }),
    verdict: "reject",
  },
  {
    name: "ECDSA signature as raw r||s, not DER",
    algs: ["ES256"],
    parts: (cred) => ({
      signature: async (_sig, signed) => {
        const raw = await cred.sign(signed, true);
        if (raw[0] === 0x30) raw[0] = 0x31;
        return raw;
      },
    }),
    verdict: "reject",
  },
  {
    name: "ECDSA DER with a short r (its leading zero byte dropped, as DER requires)",
    algs: ["ES256"],
    parts: (cred) => ({
      signature: async (_sig, signed) => derSignature(await rawSignatureWhere(cred, signed, (r0) => r0 === 0)),
    }),
    verdict: "accept",
  },
  {
    name: "ECDSA DER with a non-minimal INTEGER (00 before a small r)",
    algs: ["ES256"],
    parts: (cred) => ({
      signature: async (_sig, signed) => {
        const raw = await rawSignatureWhere(cred, signed, (r0) => r0 > 0 && r0 < 0x80);
        return derSequence(concat(new Uint8Array([0x02, 33, 0]), raw.slice(0, 32)), derInteger(raw.slice(32)));
      },
    }),
    verdict: "reject",
  },
  {
    name: "a COSE key stored with an alg of another key type",
    parts: () => ({}),
    stored: (cred) => coseWithAlg(cred, OTHER_SUPPORTED[cred.alg]),
    verdict: "reject",
    library: { ES256: "accept", EdDSA: "accept" },
    why: "§6.5.1.1: alg fixes the key type; the library verifies by key type whatever alg says (unreachable here: registration refuses such keys)",
  },
  {
    name: "a COSE key stored with an unsupported alg (ES384 on a P-256 key)",
    algs: ["ES256"],
    parts: () => ({}),
    stored: (cred) => coseWithAlg(cred, -35),
    verdict: "reject",
  },
  {
    name: "attested credential data in an assertion",
    parts: (cred) => ({
      flags: FLAG.UP | FLAG.UV | FLAG.AT,
      attested: concat(new Uint8Array(16), new Uint8Array([0, 16]), new Uint8Array(16).fill(9), cred.cose),
    }),
    verdict: "reject",
    library: "accept",
    why: "§6.3.3: an assertion's authenticatorData carries no attested credential data; the library parses and ignores it",
  },
  {
    name: "ECDSA DER with bytes after the SEQUENCE",
    algs: ["ES256"],
    parts: () => ({ signature: (sig) => concat(sig, new Uint8Array([0])) }),
    verdict: "reject",
    library: "accept",
    why: "strict DER; the library's ASN.1 parser ignores what follows the SEQUENCE",
  },
  {
    name: "ECDSA DER with a long-form length",
    algs: ["ES256"],
    parts: () => ({ signature: (sig) => concat(new Uint8Array([0x30, 0x81, sig[1]!]), sig.slice(2)) }),
    verdict: "reject",
    library: "accept",
    why: "strict DER (lengths below 128 take the short form); the library's parser accepts BER",
  },
  {
    name: "ECDSA DER with a negative INTEGER (r's leading 00 dropped)",
    algs: ["ES256"],
    parts: (cred) => ({
      signature: async (_sig, signed) => {
        const raw = await rawSignatureWhere(cred, signed, (r0) => r0 >= 0x80);
        return derSequence(concat(new Uint8Array([0x02, 32]), raw.slice(0, 32)), derInteger(raw.slice(32)));
      },
    }),
    verdict: "reject",
    library: "accept",
    why: "strict DER: r and s are positive INTEGERs; the library reads the bytes as unsigned",
  },
];

describe("verifyRegistration agrees with @simplewebauthn/server", () => {
  it.each(registrationCases)("$name", async (c) => {
    for (const alg of c.algs ?? ALGS) {
      const response = await registrationResponse(creds[alg], await c.parts(creds[alg], others[alg]));
      const [ours, library] = [await oursRegister(response), await libraryRegister(response)];
      const label = `${alg}: ours ${JSON.stringify(ours)} library ${JSON.stringify(library)}`;
      expect(ours.verdict, label).toBe(c.verdict);
      expect(library.verdict, label).toBe(libraryVerdict(c, alg));
      if (ours.verdict === "accept" && library.verdict === "accept") expect(ours.info, label).toEqual(library.info);
    }
  });
});

describe("verifyAuthentication agrees with @simplewebauthn/server", () => {
  it.each(authenticationCases)("$name", async (c) => {
    for (const alg of c.algs ?? ALGS) {
      const cred = creds[alg];
      const id = b64url(crypto.getRandomValues(new Uint8Array(16)));
      const stored = c.stored?.(cred) ?? cred.cose;
      const response = await authenticationResponse(cred, id, await c.parts(cred, others[alg]));
      const [ours, library] = [await oursAuthenticate(response, id, stored), await libraryAuthenticate(response, id, stored)];
      const label = `${alg}: ours ${JSON.stringify(ours)} library ${JSON.stringify(library)}`;
      expect(ours.verdict, label).toBe(c.verdict);
      expect(library.verdict, label).toBe(libraryVerdict(c, alg));
      if (ours.verdict === "accept" && library.verdict === "accept") expect(ours.info, label).toEqual(library.info);
    }
  });

  it("verifies a credential registered by verifyRegistration with the key bytes it returned", async () => {
    for (const alg of ALGS) {
      const registered = await verifyRegistration({
        ...expected,
        response: await registrationResponse(creds[alg]),
        expectedOrigins: ORIGINS,
        expectedRpId: RP_ID,
      });
      expect(registered.publicKey).toEqual(creds[alg].cose);
      const response = await authenticationResponse(creds[alg], registered.credentialId, { counter: 5 });
      expect((await oursAuthenticate(response, registered.credentialId, registered.publicKey)).verdict).toBe("accept");
    }
  });
});

describe("options", () => {
  const challenge = Uint8Array.from({ length: 32 }, (_, i) => i);
  const userId = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);

  it("registration options are the library's, field for field and in order", async () => {
    for (const excludeCredentials of [
      [],
      [
        { id: "AQIDBAUGBwgJCgsMDQ4PEA", transports: ["internal", "hybrid"] },
        { id: "EBESExQ", transports: [] },
      ],
    ]) {
      const input = { rpName: "Acme", rpId: RP_ID, userName: "ann@example.com", userDisplayName: "Ann", timeout: 300_000, excludeCredentials };
      const library = await generateRegistrationOptions({
        ...input,
        rpID: input.rpId,
        userID: userId,
        challenge,
        attestationType: "none",
        excludeCredentials: excludeCredentials.map((c) => ({ id: c.id, transports: c.transports as never })),
        authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
      });
      expect(JSON.stringify(registrationOptions({ ...input, userId, challenge }))).toBe(JSON.stringify(library));
    }
  });

  it("authentication options are the library's, field for field and in order", async () => {
    const library = await generateAuthenticationOptions({ rpID: RP_ID, challenge, timeout: 300_000, userVerification: "required" });
    expect(JSON.stringify(authenticationOptions({ rpId: RP_ID, challenge, timeout: 300_000 }))).toBe(JSON.stringify(library));
  });
});
