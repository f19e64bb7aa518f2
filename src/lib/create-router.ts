import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./types";
import { validationError } from "./respond";

// Body fields are named bare (`email`); other inputs by where they live (`query.limit`).
const TARGET_NAME: Record<string, string> = { query: "query", param: "path", header: "header", cookie: "cookie", json: "body", form: "body" };

const fieldPath = (target: string, path: PropertyKey[]) => {
  const where = TARGET_NAME[target] ?? target;
  if (path.length === 0) return where;
  const field = path.map(String).join(".");
  return where === "body" ? field : `${where}.${field}`;
};

/**
 * Every router is built here so that every route shares one defaultHook: a zod
 * failure becomes 400 VALIDATION_ERROR whose message names the offending field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      throw validationError(result.error.issues.map((issue) => ({ path: fieldPath(result.target, issue.path), message: issue.message })));
    },
  });
}

export type Router = ReturnType<typeof createRouter>;
