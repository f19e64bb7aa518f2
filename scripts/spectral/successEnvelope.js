// Every 2xx JSON body is {success: true, data, meta?}; operations serving a standard format opt out with x-envelope: false.
const isJson = (mediaType) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(mediaType);
const isTrueOnly = (schema) => !!schema && (schema.const === true || (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === true));
const isObject = (schema) => schema?.type === "object" || (Array.isArray(schema?.type) && schema.type.length === 1 && schema.type[0] === "object");

function problem(schema) {
  if (!schema || typeof schema !== "object") return "has no schema";
  if (!isObject(schema)) return 'is not {"type": "object"}';
  const required = Array.isArray(schema.required) ? schema.required : [];
  if (!isTrueOnly(schema.properties?.success) || !required.includes("success")) return "lacks a required `success` constrained to true";
  if (!schema.properties?.data || !required.includes("data")) return "lacks a required `data` property";
  return null;
}

export default function successEnvelope(operation, _options, context) {
  if (!operation || typeof operation !== "object" || operation["x-envelope"] === false) return [];
  return Object.entries(operation.responses ?? {})
    .filter(([status]) => /^2/.test(status))
    .flatMap(([status, response]) =>
      Object.entries(response?.content ?? {})
        .filter(([mediaType]) => isJson(mediaType))
        .map(([mediaType, media]) => [mediaType, problem(media?.schema)])
        .filter(([, why]) => why)
        .map(([mediaType, why]) => ({
          message: `Response ${status} (${mediaType}) must be the success envelope {success: true, data}: its schema ${why}.`,
          path: [...context.path, "responses", status, "content", mediaType, "schema"],
        })),
    );
}
