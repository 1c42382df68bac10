/**
 * Recursive-descent parser for one threshold line. The grammar (also in docs/ci-gates.md):
 *
 *   threshold := metric [ '{' [ label { ',' label } [ ','] ] '}' ] operator number
 *   label     := word '=' ( word | number | string )
 *   operator  := '<' | '<=' | '>' | '>=' | '==' | '!='
 *
 * e.g. `p99_ms{variant=ugsep} < 25`, `speedup{variant=ugsep, vs=baseline, metric=p50} > 1.3`.
 * `#` starts a comment. Metric and label names are checked against ./catalogue.ts here, so an
 * unknown name is reported at its column rather than as a late evaluation failure.
 */
import { tokenize, type Operator, type Token } from './tokens.ts';
import { METRICS, METRIC_NAMES } from './catalogue.ts';

export interface Threshold {
  /** the expression as written (comment and outer blanks removed) */
  source: string;
  metric: string;
  /** label values as written, plus catalogue defaults for absent labels */
  labels: Record<string, string>;
  op: Operator;
  limit: number;
}

export interface ParseError {
  /** 1-based column */
  col: number;
  message: string;
}

const OP_LIST = '(<, <=, >, >=, ==, !=)';

class Failure extends Error {
  constructor(readonly at: ParseError) {
    super(at.message);
  }
}

/** Parse one line. Blank and comment-only lines give null. */
export function parseThreshold(line: string): { threshold: Threshold | null } | { error: ParseError } {
  const lexed = tokenize(line);
  if ('error' in lexed) return { error: lexed.error };
  const tokens = lexed.tokens;
  if (tokens.length === 1) return { threshold: null };
  try {
    return { threshold: new Parser(tokens, line).threshold() };
  } catch (error) {
    if (error instanceof Failure) return { error: error.at };
    throw error;
  }
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly line: string,
  ) {}

  threshold(): Threshold {
    const name = this.expect('word', 'a metric name');
    const spec = METRICS[name.text];
    if (!spec) this.fail(name, `unknown metric ${JSON.stringify(name.text)}; expected one of ${METRIC_NAMES.join(', ')}`);
    const labels = this.peek().kind === 'lbrace' ? this.labels(name.text) : {};
    for (const [key, labelSpec] of Object.entries(spec.labels)) {
      if (labels[key] === undefined && labelSpec.required) {
        this.fail(this.peek(), `metric ${name.text} needs the label ${key} (${labelSpec.help})`);
      }
      if (labels[key] === undefined && labelSpec.default !== undefined) labels[key] = labelSpec.default;
    }
    const op = this.peek();
    if (op.kind !== 'op') this.fail(op, `expected a comparison operator ${OP_LIST}, got ${describe(op)}`);
    this.pos++;
    const limit = this.expect('number', 'a number');
    const end = this.peek();
    if (end.kind !== 'end') this.fail(end, `expected end of line, got ${describe(end)}`);
    const hash = this.line.indexOf('#');
    return {
      source: (hash >= 0 ? this.line.slice(0, hash) : this.line).trim(),
      metric: name.text,
      labels,
      op: op.text as Operator,
      limit: Number(limit.text),
    };
  }

  private labels(metric: string): Record<string, string> {
    const spec = METRICS[metric]!;
    this.pos++; // '{'
    const labels: Record<string, string> = {};
    while (this.peek().kind !== 'rbrace') {
      const key = this.expect('word', 'a label name or "}"');
      const labelSpec = spec.labels[key.text];
      if (!labelSpec) {
        const known = Object.keys(spec.labels);
        this.fail(key, `metric ${metric} has no label ${JSON.stringify(key.text)}; expected one of ${known.join(', ')}`);
      }
      if (labels[key.text] !== undefined) this.fail(key, `label ${key.text} given twice`);
      this.expect('equals', '"="');
      const value = this.peek();
      if (value.kind !== 'word' && value.kind !== 'number' && value.kind !== 'string') {
        this.fail(value, `expected a value for label ${key.text}, got ${describe(value)}`);
      }
      if (labelSpec.values && !labelSpec.values.includes(value.text)) {
        this.fail(value, `label ${key.text}: expected one of ${labelSpec.values.join(', ')}, got ${JSON.stringify(value.text)}`);
      }
      this.pos++;
      labels[key.text] = value.text;
      const next = this.peek();
      if (next.kind === 'comma') this.pos++;
      else if (next.kind !== 'rbrace') this.fail(next, `expected "," or "}" after label ${key.text}, got ${describe(next)}`);
    }
    this.pos++; // '}'
    return labels;
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1]!;
  }

  private expect(kind: Token['kind'], what: string): Token {
    const token = this.peek();
    if (token.kind !== kind) this.fail(token, `expected ${what}, got ${describe(token)}`);
    this.pos++;
    return token;
  }

  private fail(token: Token, message: string): never {
    throw new Failure({ col: token.col, message });
  }
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of line' : JSON.stringify(token.kind === 'string' ? `'${token.text}'` : token.text);
}
