import { z } from 'zod';

type Schema = Record<string, unknown>;

/** "dataSourceId" → "Data source ID": the label Power Automate shows for a field. */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  const text = words.map((w) => (w === 'id' ? 'ID' : w === 'url' ? 'URL' : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A description as the designer shows it: a sentence, ending in punctuation. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * A zod contract as a Swagger 2.0 schema. Swagger 2.0 speaks a JSON Schema draft-4 subset:
 * OpenAPI 3.0's `nullable` becomes `x-nullable`, and every property gets an `x-ms-summary`
 * (the label the flow designer shows for it). Descriptions become sentences: the contracts'
 * texts are written for JSON Schema readers, where fragments are the custom.
 */
export function swagger2Schema(schema: z.ZodType, io: 'input' | 'output'): Schema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Schema;
  return adapt(json);
}

function adapt(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') out['x-nullable'] = value;
    else if (key === 'description' && typeof value === 'string') out[key] = sentence(value);
    else if (key === 'properties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([name, property]) => [name, { 'x-ms-summary': humanize(name), ...adapt(property) }]),
      );
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = typeof value === 'object' && value !== null ? adapt(value as Schema) : value;
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') {
      // Swagger 2.0 has allOf only; our contracts use unions only for scalar alternatives.
      const options = (value as Schema[]).map(adapt);
      Object.assign(out, options.find((o) => o['type'] !== 'null') ?? {}, options.some((o) => o['type'] === 'null') ? { 'x-nullable': true } : {});
    } else out[key] = value;
  }
  return out;
}
