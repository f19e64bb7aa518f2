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
