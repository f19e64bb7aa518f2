// Statuses the platform can always produce for an operation, so they must be documented (DESIGN.md §2).
import { effectiveSecurity, requiresAuth } from "./lib.js";

export default function requiredStatuses(operation, _options, context) {
  if (!operation || typeof operation !== "object") return [];
  const documented = new Set(Object.keys(operation.responses ?? {}));
  const template = String(context.path[1]);
  const hasPathParams = /\{[^}]+\}/.test(template) || (operation.parameters ?? []).some((p) => p?.in === "path");
  const needs = [
    ...(operation.requestBody
      ? [
          ["400", "it has a request body (invalid JSON or fields)"],
          ["413", "it has a request body (size cap)"],
          ["415", "it has a request body (Content-Type)"],
        ]
      : []),
    ...(requiresAuth(effectiveSecurity(operation, context)) ? [["401", "it declares security"]] : []),
    ...(hasPathParams ? [["404", "it has path parameters"]] : []),
  ];
  return needs
    .filter(([status]) => !documented.has(status))
    .map(([status, why]) => ({ message: `Operation must document a ${status} response because ${why}.`, path: [...context.path, "responses"] }));
}
