/**
 * JSON Schema -> a Markdown field reference: one table row per field path with its type, its
 * constraints, its default and its description. Used for docs/scenarios.md (from
 * scenarios/schema.json, itself generated from the zod schema) and docs/results-schema.md (from
 * docs/results.schema.json, generated from the results types), so neither page can drift.
 */
export type Schema = Record<string, unknown>;

interface Row {
  path: string;
  type: string;
  required: boolean;
  details: string;
  description: string;
}

export function fieldTable(root: Schema): string {
  const rows: Row[] = [];
  walk(root, root, '', true, rows);
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '| field | type | | default, limits | description |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| \`${cell(r.path)}\` | ${cell(r.type)} | ${r.required ? 'required' : ''} | ${cell(r.details)} | ${cell(r.description)} |`),
  ].join('\n');
}

function resolve(root: Schema, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace(/^#\/\$defs\//, '');
  const target = (root.$defs as Record<string, Schema> | undefined)?.[name];
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  const { $ref: _ref, ...rest } = schema;
  return { ...resolve(root, target), ...rest };
}

function alternatives(schema: Schema): Schema[] | undefined {
  const list = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  return Array.isArray(list) ? list : undefined;
}

function typeName(root: Schema, input: Schema): string {
  const schema = resolve(root, input);
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' or ');
  const alts = alternatives(schema);
  if (alts) {
    const names = [...new Set(alts.map((a) => typeName(root, a)))];
    return names.length === 1 && names[0] === 'object' ? 'object, one of the forms below' : names.join(' or ');
  }
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (schema.type === 'array') return `list of ${typeName(root, (schema.items as Schema | undefined) ?? {})}`;
  if (schema.type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') return `map of ${typeName(root, schema.additionalProperties as Schema)}`;
  return typeof schema.type === 'string' ? schema.type : 'any';
}

const LIMITS: [string, string][] = [
  ['minimum', '>='],
  ['exclusiveMinimum', '>'],
  ['maximum', '<='],
  ['exclusiveMaximum', '<'],
  ['minItems', 'items >='],
  ['minLength', 'length >='],
];

function details(schema: Schema): string {
  const parts: string[] = [];
  if ('default' in schema) parts.push(`default ${JSON.stringify(schema.default)}`);
  for (const [key, op] of LIMITS) {
    const v = schema[key];
    // zod writes Number.MAX_SAFE_INTEGER as the maximum of every integer: not a real limit
    if (typeof v === 'number' && v !== Number.MAX_SAFE_INTEGER && !(key === 'minLength' && v === 1)) parts.push(`${op} ${v}`);
  }
  if (schema.minLength === 1) parts.push('non-empty');
  return parts.join(', ');
}

function walk(root: Schema, input: Schema, path: string, required: boolean, rows: Row[]): void {
  const schema = resolve(root, input);
  if (path !== '') rows.push({ path, type: typeName(root, schema), required, details: details(schema), description: typeof schema.description === 'string' ? schema.description : '' });
  const alts = alternatives(schema);
  if (alts) {
    // a discriminated union: list each alternative's fields under its discriminator value
    alts.forEach((alt) => {
      const resolved = resolve(root, alt);
      const props = resolved.properties as Record<string, Schema> | undefined;
      const tag = props && Object.entries(props).find(([, p]) => 'const' in resolve(root, p));
      if (tag) walkObject(root, resolved, `${path}(${tag[0]}=${String(resolve(root, tag[1]).const)})`, rows, tag[0]);
    });
    return;
  }
  if (schema.type === 'object') walkObject(root, schema, path, rows);
  else if (schema.type === 'array' && schema.items) walk(root, schema.items as Schema, `${path}[]`, false, rows);
}

function walkObject(root: Schema, schema: Schema, path: string, rows: Row[], skip?: string): void {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const req = new Set((schema.required as string[] | undefined) ?? []);
  for (const [name, prop] of Object.entries(props)) {
    if (name === skip || name === '$schema') continue;
    walk(root, prop, path === '' ? name : `${path}.${name}`, req.has(name) && !('default' in resolve(root, prop)), rows);
  }
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object' && Object.keys(extra).length > 0 && resolve(root, extra as Schema).type === 'object') {
    walk(root, extra as Schema, `${path}.<key>`, false, rows);
  }
}
