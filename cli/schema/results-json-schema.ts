/**
 * The published JSON Schema of results.json (docs/results.schema.json), generated from the
 * TypeScript types of the results contract (harness/results/contract.ts) with the TypeScript
 * compiler's type checker, so the schema cannot drift from the types: each interface or alias
 * becomes a `$defs` entry, each doc comment a description. Optional fields are not required;
 * unknown fields are refused (additionalProperties false), so a typo in a writer shows.
 * Dev-time only (needs the typescript dev dependency): `npm run results:schema`.
 */
import ts from 'typescript';

export type JsonSchema = Record<string, unknown>;

const ROOT_TYPE = 'BenchResults';

export function resultsJsonSchema(contractFile: string): JsonSchema {
  const program = ts.createProgram([contractFile], { strict: true, allowImportingTsExtensions: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(contractFile);
  if (!source) throw new Error(`cannot read ${contractFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const rootSymbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === ROOT_TYPE);
  if (!rootSymbol) throw new Error(`${contractFile} exports no ${ROOT_TYPE}`);
  const defs: Record<string, JsonSchema> = {};
  const convert = converter(checker, defs);
  const root = convert(checker.getDeclaredTypeOfSymbol(rootSymbol), true);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'ugbench results.json',
    description: docOf(checker, rootSymbol),
    ...root,
    $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function docOf(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim();
}

/** A named interface or type alias of our own sources (not a library type like Record). */
function namedType(type: ts.Type): string | undefined {
  const symbol = type.aliasSymbol ?? type.getSymbol();
  const decl = symbol?.declarations?.[0];
  if (!symbol || !decl || decl.getSourceFile().isDeclarationFile) return undefined;
  if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl)) return symbol.name;
  return undefined;
}

function converter(checker: ts.TypeChecker, defs: Record<string, JsonSchema>) {
  const convert = (type: ts.Type, inline = false): JsonSchema => {
    const name = namedType(type);
    if (name && !inline && !(type.flags & ts.TypeFlags.Union && name === 'boolean')) {
      if (!(name in defs)) {
        defs[name] = {}; // placeholder first: recursive types terminate
        defs[name] = convert(type, true);
      }
      return { $ref: `#/$defs/${name}` };
    }
    return structural(type);
  };

  const structural = (type: ts.Type): JsonSchema => {
    if (type.flags & ts.TypeFlags.String) return { type: 'string' };
    if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
    if (type.flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (type.flags & ts.TypeFlags.Null) return { type: 'null' };
    if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return {};
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.value };
    if (type.flags & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === 'true' };
    if (type.isUnion()) return union(type);
    if (checker.isArrayType(type)) return { type: 'array', items: convert(checker.getTypeArguments(type as ts.TypeReference)[0]!) };
    if (type.flags & ts.TypeFlags.Object) return object(type);
    throw new Error(`results schema: no JSON Schema for type ${checker.typeToString(type)}`);
  };

  const union = (type: ts.UnionType): JsonSchema => {
    const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    const hasTrue = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === 'true');
    const hasFalse = members.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === 'false');
    const rest = members.filter((t) => !(hasTrue && hasFalse && t.flags & ts.TypeFlags.BooleanLiteral));
    const schemas = [...(hasTrue && hasFalse ? [{ type: 'boolean' }] : []), ...rest.map((t) => convert(t))];
    if (schemas.length === 1) return schemas[0]!;
    if (schemas.every((s) => 'const' in s)) return { enum: schemas.map((s) => s.const) };
    // string | null and the like: one `type` list
    if (schemas.every((s) => Object.keys(s).length === 1 && typeof s.type === 'string')) return { type: schemas.map((s) => s.type) };
    return { anyOf: schemas };
  };

  const object = (type: ts.Type): JsonSchema => {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (!decl) continue;
      const schema = convert(checker.getTypeOfSymbolAtLocation(prop, decl));
      const description = docOf(checker, prop);
      properties[prop.name] = description ? { description, ...schema } : schema;
      if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.name);
    }
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    const schema: JsonSchema = { type: 'object' };
    if (Object.keys(properties).length > 0) schema.properties = properties;
    if (required.length > 0) schema.required = required;
    schema.additionalProperties = index ? convert(index.type) : false;
    return schema;
  };

  return convert;
}
