// What `@peculiar/x509` resolves to in the Worker (wrangler.toml [alias]). @simplewebauthn/server needs
// it only to check attestation certificate chains (and their revocation), and this service asks
// for attestation "none" (passkeys are trusted by the user's sign-in, not by their maker): a
// response that brings a certificate chain anyway is refused as unverified (400). Dropping the
// library and its dependencies (tsyringe, reflect-metadata, the CMS/PKCS parsers) keeps ~100 KiB of
// unused code out of every isolate.
const refuse = (): never => {
  throw new Error("attestation certificates are not accepted (this service requests attestation: none)");
};

export class X509Certificate {
  constructor() {
    refuse();
  }
}
export class X509ChainBuilder {
  constructor() {
    refuse();
  }
}
export class X509Crl {
  constructor() {
    refuse();
  }
}
export class AuthorityKeyIdentifierExtension {
  constructor() {
    refuse();
  }
}
export class CRLDistributionPointsExtension {
  constructor() {
    refuse();
  }
}
export class SubjectKeyIdentifierExtension {
  constructor() {
    refuse();
  }
}
