// zod's `core` namespace, `locales` left empty (see ./zod.ts).
export * from "../../node_modules/zod/v4/core/index.js";
export const locales = {};
