// What `@asteasolutions/zod-to-openapi` resolves to in the Worker (wrangler.toml [alias]). The
// Worker never builds the OpenAPI document: it serves openapi/openapi.json, which
// `npm run openapi` writes from the same route declarations with the real library (CI fails on
// drift), so schemas' `.openapi(...)` documentation and the registry are inert here and ~10 KiB
// gzipped of document generator stays out of every isolate. Validation is zod's alone either way.
const inert = (): never => {
  throw new Error("the Worker serves the committed OpenAPI document; generate it with `npm run openapi`");
};

interface Extendable {
  ZodType: { prototype: { openapi?: unknown } };
}

/** `.openapi(...)` returns the schema itself: metadata only the document generator reads. */
export function extendZodWithOpenApi(zod: Extendable): void {
  zod.ZodType.prototype.openapi ??= function (this: unknown) {
    return this;
  };
}

export const getOpenApiMetadata = (): Record<string, unknown> => ({});

export class OpenAPIRegistry {
  readonly definitions: unknown[] = [];
  register<T>(_refId: string, schema: T): T {
    return schema;
  }
  registerParameter<T>(_refId: string, schema: T): T {
    return schema;
  }
  registerPath(): void {}
  registerWebhook(): void {}
  registerComponent(): void {}
}

export class OpenApiGeneratorV3 {
  constructor() {
    inert();
  }
}
export class OpenApiGeneratorV31 {
  constructor() {
    inert();
  }
}
