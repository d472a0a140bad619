import { describe, expect, it } from 'vitest';
import { flatSchemaValidator } from './validator.js';

describe('flatSchemaValidator', () => {
  const validate = flatSchemaValidator.getValidator<Record<string, unknown>>({
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' }, ok: { type: 'boolean' }, color: { type: 'string', enum: ['red', 'blue'] } },
    required: ['name'],
  });

  it('accepts a matching object and returns it', () => {
    const input = { name: 'a', age: 3, ok: true, color: 'red' };
    expect(validate(input)).toEqual({ valid: true, data: input, errorMessage: undefined });
    expect(validate({ name: 'a' }).valid).toBe(true);
  });

  it('refuses non-objects, missing required keys, wrong types and values outside the enum', () => {
    expect(validate(null).errorMessage).toBe('expected an object');
    expect(validate([]).errorMessage).toBe('expected an object');
    expect(validate({ age: 1 }).errorMessage).toBe('missing required property "name"');
    expect(validate({ name: 'a', age: '3' }).errorMessage).toBe('property "age" must be integer');
    expect(validate({ name: 'a', ok: 'yes' }).errorMessage).toBe('property "ok" must be boolean');
    expect(validate({ name: 'a', color: 'green' }).errorMessage).toBe('property "color" must be one of red, blue');
    expect(validate({ name: 1 }).valid).toBe(false);
  });
});
