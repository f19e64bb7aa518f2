// Every operation carries what integrators and the generated client need: operationId, summary, description, tags.
const nonEmptyString = (value) => typeof value === "string" && value.trim() !== "";

export default function operationFields(operation) {
  if (!operation || typeof operation !== "object") return [];
  const problems = ["operationId", "summary", "description"]
    .filter((field) => !nonEmptyString(operation[field]))
    .map((field) => ({ message: `Operation must have a non-empty "${field}".` }));
  const tags = operation.tags;
  if (!Array.isArray(tags) || tags.length === 0 || !tags.every(nonEmptyString)) {
    problems.push({ message: 'Operation must have at least one tag in "tags".' });
  }
  return problems;
}
