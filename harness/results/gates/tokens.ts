/**
 * Tokenizer for threshold expressions (grammar in docs/ci-gates.md "Threshold expressions" and ./parse.ts). Hand-written so
 * every token keeps its 1-based column: parse errors point at the exact character a user typed.
 */

export type TokenKind = 'word' | 'number' | 'string' | 'op' | 'lbrace' | 'rbrace' | 'comma' | 'equals' | 'end';

export interface Token {
  kind: TokenKind;
  /** the source text of the token ('' for end) */
  text: string;
  /** 1-based column of the first character */
  col: number;
}

export interface TokenizeError {
  col: number;
  message: string;
}

/** Comparison operators, longest first so `<=` wins over `<`. */
export const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type Operator = (typeof OPERATORS)[number];

// A word is a metric name or a label key/value: `p99_ms`, `ugsep-w8a16`, `ort-cpu`, `baseline@ort`.
const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_.\-@:/]/;
// Numbers: optional sign, digits with optional fraction, optional exponent; `.5` allowed.
const NUMBER = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?/;

export function tokenize(line: string): { tokens: Token[] } | { error: TokenizeError } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    const col = i + 1;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#') break; // trailing comment
    const op = OPERATORS.find((o) => line.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, col });
      i += op.length;
      continue;
    }
    const single: Partial<Record<string, TokenKind>> = { '{': 'lbrace', '}': 'rbrace', ',': 'comma', '=': 'equals' };
    const kind = single[ch];
    if (kind) {
      tokens.push({ kind, text: ch, col });
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const close = line.indexOf(ch, i + 1);
      if (close < 0) return { error: { col, message: `unterminated string starting with ${ch}` } };
      tokens.push({ kind: 'string', text: line.slice(i + 1, close), col });
      i = close + 1;
      continue;
    }
    const number = NUMBER.exec(line.slice(i));
    if (number && (/[0-9.]/.test(ch) || /[0-9.]/.test(line[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], col });
      i += number[0].length;
      continue;
    }
    if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < line.length && WORD_PART.test(line[j] as string)) j++;
      tokens.push({ kind: 'word', text: line.slice(i, j), col });
      i = j;
      continue;
    }
    return { error: { col, message: `unexpected character ${JSON.stringify(ch)}` } };
  }
  tokens.push({ kind: 'end', text: '', col: trimmedEnd(line) + 1 });
  return { tokens };
}

/** Column just after the last non-blank, non-comment character: where "end of line" is reported. */
function trimmedEnd(line: string): number {
  const hash = line.indexOf('#');
  const body = hash >= 0 ? line.slice(0, hash) : line;
  return body.trimEnd().length;
}
