// Every documented 4xx/5xx response is the shared Error envelope, so clients parse all failures one way
// (an HTML-only error page of the hosted sign-in is for the user's browser, not for clients).
const ERROR_REF = "#/components/schemas/Error";

/** Follows a local `#/components/responses/...` $ref, since this rule runs on the unresolved document. */
function deref(response, context) {
  const ref = response?.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return response;
  return ref
    .slice(2)
    .split("/")
    .reduce((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], context.document.data);
}

export default function errorSchema(responses, _options, context) {
  if (!responses || typeof responses !== "object") return [];
  return Object.entries(responses)
    .filter(([status]) => /^[45]/.test(status))
    .flatMap(([status, raw]) => {
      const content = deref(raw, context)?.content;
      // A page for a browser (the hosted sign-in pages' errors) is HTML only: no JSON client reads it.
      if (content && Object.keys(content).length === 1 && content["text/html"]) return [];
      const schema = content?.["application/json"]?.schema;
      const exact = schema && typeof schema === "object" && Object.keys(schema).length === 1 && schema.$ref === ERROR_REF;
      return exact
        ? []
        : [{ message: `Response ${status} must have an application/json schema that is exactly {"$ref": "${ERROR_REF}"}.`, path: [...context.path, status] }];
    });
}
