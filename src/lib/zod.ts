// What `import { z } from "zod"` resolves to in the Worker (wrangler.toml [alias]): zod's own
// exports, but `locales` empty. Libraries use `z` as a namespace object, which keeps every export
// it holds alive, and zod's holds 60+ message translations (≈40 KiB gzipped) this API never uses:
// its messages are English (zod sets the `en` locale itself). Types are zod's, unchanged.
import * as z from "./zod-namespace";
export * from "./zod-namespace";
export { z, z as default };
