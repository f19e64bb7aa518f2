// zod's exports (`z.*`) with `locales` and `core.locales` empty (see ./zod.ts).
// A relative path: the alias maps "zod" and every "zod/…" specifier to ./zod.ts.
import * as core from "./zod-core";
export * from "../../node_modules/zod/v4/classic/external.js";
export const locales = {};
export { core };
