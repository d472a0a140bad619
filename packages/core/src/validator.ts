import type { jsonSchemaValidator, JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The SDK server validates elicitation answers against the requested schema. Those schemas
 * are flat objects of primitives by the spec, so this small validator covers them without
 * loading ajv at start (ajv costs a large part of a connector's cold start).
 */
export const flatSchemaValidator: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType) {
    return (input: unknown) => {
      const s = schema as { type?: string; properties?: Record<string, { type?: string; enum?: unknown[] }>; required?: string[] };
      if (s.type === 'object') {
        if (!input || typeof input !== 'object' || Array.isArray(input)) return { valid: false, data: undefined, errorMessage: 'expected an object' };
        const obj = input as Record<string, unknown>;
        for (const key of s.required ?? []) if (!(key in obj)) return { valid: false, data: undefined, errorMessage: `missing required property "${key}"` };
        for (const [key, prop] of Object.entries(s.properties ?? {})) {
          const v = obj[key];
          if (v === undefined) continue;
          const t = prop.type === 'integer' ? 'number' : prop.type;
          if (t && typeof v !== t) return { valid: false, data: undefined, errorMessage: `property "${key}" must be ${prop.type}` };
          if (prop.enum && !prop.enum.includes(v)) return { valid: false, data: undefined, errorMessage: `property "${key}" must be one of ${prop.enum.join(', ')}` };
        }
      }
      return { valid: true, data: input as T, errorMessage: undefined };
    };
  },
};
