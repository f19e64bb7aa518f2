// Every documented 4xx/5xx response is the shared Error envelope, so clients parse all failures one way.
// Operations marked x-oauth-wire (the OpenID Provider) answer OAuth's { error, error_description }
// instead. An HTML-only error (the authorization endpoint's, the hosted pages') is a page for the user's browser, not for clients.
const ERROR_REF = "#/components/schemas/Error";
const OAUTH_ERROR_REF = "#/components/schemas/OAuthError";

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
  const operation = context.path.slice(0, -1).reduce((node, key) => node?.[key], context.document.data);
  const oauthWire = operation?.["x-oauth-wire"] === true;
  const expected = oauthWire ? OAUTH_ERROR_REF : ERROR_REF;
  return Object.entries(responses)
    .filter(([status]) => /^[45]/.test(status))
    .flatMap(([status, raw]) => {
      const content = deref(raw, context)?.content ?? {};
      const schema = content["application/json"]?.schema;
      const exact = schema && typeof schema === "object" && Object.keys(schema).length === 1 && schema.$ref === expected;
      const htmlPage = !schema && Object.keys(content).length === 1 && content["text/html"];
      return exact || htmlPage
        ? []
        : [{ message: `Response ${status} must have an application/json schema that is exactly {"$ref": "${expected}"}.`, path: [...context.path, status] }];
    });
}
