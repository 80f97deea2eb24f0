/** The parts of a JSON Schema (draft 2020-12, as zod writes it) the reference reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
}

/** One setting as the reference lists it: `thresholds.latencyMs`, its type, its default, whether it must be given. */
export interface SettingRow {
  path: string[];
  type: string;
  fallback?: string;
  required: boolean;
}

/** Every setting under an object schema, depth first; a `{ warn, fail }` pair is one row. */
export function settingRows(schema: JsonSchema, prefix: string[] = []): SettingRow[] {
  const rows: SettingRow[] = [];
  const seen = new Set<string>();
  const add = (row: SettingRow) => {
    const key = row.path.join('.');
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  };
  const variants = objectVariants(schema);
  for (const variant of variants) {
    for (const [name, property] of Object.entries(variant.properties ?? {})) {
      const path = [...prefix, name];
      // In a choice of shapes (a runbook step), no one key is required of every entry.
      const required = variants.length === 1 && (variant.required ?? []).includes(name) && property.default === undefined;
      const limits = limitPair(property);
      if (limits) {
        add({ path, type: '{ warn, fail }', ...limits, required });
        continue;
      }
      add({ path, type: typeOf(property), ...fallbackOf(property), required });
      const items = property.type === 'array' && property.items ? property.items : undefined;
      const nested = items ?? property;
      if (opensUp(nested)) {
        for (const row of settingRows(nested, items ? [...path.slice(0, -1), `${name}[]`] : path)) add(row);
      }
    }
  }
  return rows;
}

/**
 * Whether a setting's own settings get rows: an object's do, and a union's when one of its shapes holds
 * an object (a runbook's steps); a choice of one-key shapes (`{ secret } or { env }`) is said by its type.
 */
function opensUp(schema: JsonSchema): boolean {
  if (schema.properties) return true;
  return objectVariants(schema).some((v) => Object.values(v.properties ?? {}).some((p) => objectVariants(p).length > 0 || p.items?.properties));
}

/** The object shapes a schema may take: itself, or each object member of a union. */
function objectVariants(schema: JsonSchema): JsonSchema[] {
  const members = schema.anyOf ?? schema.oneOf;
  return members ? members.flatMap(objectVariants) : schema.properties ? [schema] : [];
}

/** Thresholds: a `{ warn, fail }` pair, and its defaults when it has them. */
function limitPair(schema: JsonSchema): { fallback?: string } | undefined {
  const { warn, fail, ...others } = schema.properties ?? {};
  if (!warn || !fail || Object.keys(others).length) return undefined;
  return warn.default !== undefined ? { fallback: `warn ${String(warn.default)}, fail ${String(fail.default)}` } : {};
}

function fallbackOf(schema: JsonSchema): { fallback?: string } {
  if (schema.default === undefined) return {};
  // An object's default of {} only means "each of its settings has its own default".
  if (typeof schema.default === 'object' && schema.default !== null && !Array.isArray(schema.default) && !Object.keys(schema.default).length) return {};
  return { fallback: JSON.stringify(schema.default) };
}

/** A type as a person reads it: `text`, `whole number 1–100`, one of `A`, `AAAA`, a list of text, … */
function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return `one of ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  const members = schema.anyOf ?? schema.oneOf;
  if (members) return [...new Set(members.map(typeOf))].join(' or ');
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type;
  switch (type) {
    case 'string':
      return schema.format === 'uri' ? 'URL' : 'text';
    case 'integer':
      return `whole number${range(schema)}`;
    case 'number':
      return `number${range(schema)}`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
    case 'object':
      if (schema.properties) {
        const keys = Object.keys(schema.properties);
        return keys.length <= 3 && (schema.required?.length ?? 0) ? `{ ${keys.join(', ')} }` : 'object';
      }
      if (typeof schema.additionalProperties === 'object') return `map of text to ${typeOf(schema.additionalProperties)}`;
      return 'object';
    default:
      return type ?? 'any';
  }
}

function range(schema: JsonSchema): string {
  // zod writes the largest safe integer as an int's maximum: no limit a person would set.
  const high = schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER ? schema.maximum : undefined;
  const low = schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : schema.minimum !== undefined ? `≥ ${schema.minimum}` : undefined;
  if (schema.minimum !== undefined && high !== undefined) return ` ${schema.minimum}–${high}`;
  return [low, high !== undefined ? `≤ ${high}` : undefined]
    .filter(Boolean)
    .map((part) => ` ${part}`)
    .join(',');
}
