/**
 * A protobuf text-format reader driven by a protobufjs schema (protobufjs reads .proto, JSON and
 * binary, not text format): every field name is looked up in the message type, enum values must
 * be names of the enum, scalars must parse as their type, repeated and map fields collect. An
 * unknown field or a wrong value is an error naming its path, so a config.pbtxt that Triton
 * would reject does not parse here either. Returns the message as a protobufjs object.
 */
import protobuf from 'protobufjs';

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|#[^\n]*|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][\w.]*)|([{}[\]:,<>;])|(.)/gy;
  for (let m = re.exec(text); m && m[0] !== ''; m = re.exec(text)) {
    if (m[1]) tokens.push({ kind: 'string', text: JSON.parse(m[1]) as string });
    else if (m[2]) tokens.push({ kind: 'number', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'ident', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'punct', text: m[4] });
    else if (m[5]) throw new Error(`unexpected character ${JSON.stringify(m[5])}`);
    if (re.lastIndex >= text.length) break;
  }
  return tokens;
}

class Reader {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(): Token | undefined {
    return this.tokens[this.at];
  }
  next(): Token {
    const t = this.tokens[this.at++];
    if (!t) throw new Error('unexpected end of input');
    return t;
  }
  eat(text: string): boolean {
    if (this.peek()?.text === text && this.peek()?.kind === 'punct') return (this.at++, true);
    return false;
  }
  expect(text: string, where: string): void {
    if (!this.eat(text)) throw new Error(`${where}: expected "${text}", got ${JSON.stringify(this.peek()?.text ?? 'end')}`);
  }
}

function scalar(field: protobuf.Field, token: Token, path: string): unknown {
  const type = field.resolvedType;
  if (type instanceof protobuf.Enum) {
    if (token.kind !== 'ident' || !(token.text in type.values)) throw new Error(`${path}: expected one of ${Object.keys(type.values).join(', ')}, got ${token.text}`);
    return token.text;
  }
  if (field.type === 'string' || field.type === 'bytes') {
    if (token.kind !== 'string') throw new Error(`${path}: expected a string, got ${token.text}`);
    return token.text;
  }
  if (field.type === 'bool') {
    if (token.text !== 'true' && token.text !== 'false') throw new Error(`${path}: expected true or false, got ${token.text}`);
    return token.text === 'true';
  }
  if (token.kind !== 'number') throw new Error(`${path}: expected a ${field.type}, got ${token.text}`);
  const n = Number(token.text);
  if (/int/.test(field.type) && !Number.isInteger(n)) throw new Error(`${path}: expected an integer, got ${token.text}`);
  return n;
}

function value(r: Reader, field: protobuf.Field, path: string): unknown {
  if (field.resolvedType instanceof protobuf.Type) {
    r.expect('{', path);
    return message(r, field.resolvedType, path, '}');
  }
  return scalar(field, r.next(), path);
}

function message(r: Reader, type: protobuf.Type, path: string, close?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (;;) {
    if (close ? r.eat(close) : r.peek() === undefined) return out;
    const name = r.next();
    const field = type.fields[name.text];
    const at = path ? `${path}.${name.text}` : name.text;
    if (name.kind !== 'ident' || !field) throw new Error(`${at}: not a field of ${type.name}`);
    r.eat(':');
    const values: unknown[] = [];
    if (r.eat('[')) {
      if (!field.repeated) throw new Error(`${at}: a list for a field that is not repeated`);
      while (!r.eat(']')) {
        values.push(value(r, field, `${at}[${values.length}]`));
        r.eat(',');
      }
    } else if (field instanceof protobuf.MapField) {
      r.expect('{', at);
      const entry = new protobuf.Type('Entry').add(new protobuf.Field('key', 1, field.keyType)).add(new protobuf.Field('value', 2, field.type));
      entry.fieldsArray[1]!.resolvedType = field.resolvedType;
      const { key, value: v } = message(r, entry, at, '}');
      out[name.text] = { ...(out[name.text] as object | undefined), [String(key)]: v };
      continue;
    } else {
      values.push(value(r, field, at));
    }
    if (field.repeated) out[name.text] = [...((out[name.text] as unknown[] | undefined) ?? []), ...values];
    else if (name.text in out) throw new Error(`${at}: set twice`);
    else out[name.text] = values[0];
    r.eat(',');
    r.eat(';');
  }
}

/** Parse text-format `text` as message `typeName` of the schema; verified by protobufjs. */
export function parseTextFormat(root: protobuf.Root, typeName: string, text: string): protobuf.Message & Record<string, unknown> {
  const type = root.lookupType(typeName);
  const plain = message(new Reader(tokenize(text)), type, '');
  const problem = type.verify(type.fromObject(plain));
  if (problem) throw new Error(problem);
  return type.fromObject(plain);
}
