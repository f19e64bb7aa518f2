// A named import: the bundle keeps package.json's version, not the whole manifest.
import { version } from "../../package.json";

/** The API version: `info.version` of the spec follows package.json. */
export const API_VERSION: string = version;
