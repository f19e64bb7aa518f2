// Operations whose path matches `match` (minus `except`, "METHOD /path" entries) must declare `scheme`.
import { effectiveSecurity } from "./lib.js";

export default function requiredSecurity(operation, options, context) {
  if (!operation || typeof operation !== "object") return [];
  const [, template, method] = context.path.map(String);
  const except = (options.except ?? []).map((entry) => entry.toLowerCase());
  if (!new RegExp(options.match).test(template) || except.includes(`${method} ${template}`.toLowerCase())) return [];
  const declared = effectiveSecurity(operation, context).some((requirement) => requirement && options.scheme in requirement);
  return declared ? [] : [{ message: `${method.toUpperCase()} ${template} must declare security "${options.scheme}".` }];
}
