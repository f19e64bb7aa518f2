import pkg from "../../package.json";

/** The API version: `info.version` of the spec follows package.json. */
export const API_VERSION: string = pkg.version;
