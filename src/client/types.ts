// The API's shapes, from the spec's generated types: what an app sees, named as the spec names them.
import type { components, paths } from "../../generated/api";

export type { components, paths };
export type Schemas = components["schemas"];
export type ErrorCode = Schemas["ErrorCode"];
export type User = Schemas["User"];
export type Session = Schemas["Session"];
export type TokenPair = Schemas["TokenPair"];
export type AuthResult = Schemas["AuthResult"];
export type Profile = Schemas["Profile"];
export type MfaChallenge = Schemas["MfaChallenge"];
/** What a sign-in answers: a session (stored by the client), or the second-factor challenge (`"mfaRequired" in data`). */
export type SignInResult = Schemas["SignInResult"];
