import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../../../harness/results/gates/parse.ts';
import { thresholdsFromText } from '../../../../harness/results/gates/source.ts';
import { InputError } from '../../../../harness/errors.ts';

describe('threshold grammar: valid expressions', () => {
  const cases: [string, object][] = [
    ['p99_ms{variant=ugsep} < 25', { metric: 'p99_ms', labels: { variant: 'ugsep', cache: 'all' }, op: '<', limit: 25 }],
    ['speedup{variant=ugsep, vs=baseline, metric=p50} > 1.3', { metric: 'speedup', labels: { variant: 'ugsep', vs: 'baseline', metric: 'p50' }, op: '>', limit: 1.3 }],
    ['dropped == 0', { metric: 'dropped', labels: {}, op: '==', limit: 0 }],
    ['hit_rate{variant=ugsep} >= 0.5', { metric: 'hit_rate', labels: { variant: 'ugsep' }, op: '>=', limit: 0.5 }],
    ['score_drift{variant=ugsep-w8a16} < 0.01', { metric: 'score_drift', labels: { variant: 'ugsep-w8a16', vs: 'reference' }, op: '<', limit: 0.01 }],
    ['  p50_ms{ variant = "ugsep", runtime=ort-cpu, cache=hit, } <= 1e1  # comment', { metric: 'p50_ms', labels: { variant: 'ugsep', runtime: 'ort-cpu', cache: 'hit' }, op: '<=', limit: 10 }],
    ['speedup{vs=baseline} > 1', { labels: { vs: 'baseline', metric: 'p50' } }],
    ['errors != -1', { metric: 'errors', op: '!=', limit: -1 }],
    ['kendall_tau{variant=ugsep,vs=baseline}>.9', { metric: 'kendall_tau', labels: { variant: 'ugsep', vs: 'baseline' }, op: '>', limit: 0.9 }],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      const result = parseThreshold(text);
      expect(result).toHaveProperty('threshold');
      expect((result as { threshold: object }).threshold).toMatchObject(expected);
    });
  }
  it('blank and comment lines give no threshold', () => {
    expect(parseThreshold('   ')).toEqual({ threshold: null });
    expect(parseThreshold('# just a note')).toEqual({ threshold: null });
  });
  it('keeps the source without comment', () => {
    expect(parseThreshold('dropped == 0   # none').valueOf()).toMatchObject({ threshold: { source: 'dropped == 0' } });
  });
});

describe('threshold grammar: invalid expressions name the column', () => {
  const cases: [string, number, string][] = [
    ['p99_ms{variant=ugsep}{ < 25', 22, 'expected a comparison operator (<, <=, >, >=, ==, !=), got "{"'],
    ['p99_ms 25', 8, 'expected a comparison operator (<, <=, >, >=, ==, !=), got "25"'],
    ['p99_ms <', 9, 'expected a number, got end of line'],
    ['p99_ms < fast', 10, 'expected a number, got "fast"'],
    ['p98_ms < 5', 1, 'unknown metric "p98_ms"'],
    ['p99_ms{colour=red} < 5', 8, 'metric p99_ms has no label "colour"; expected one of variant, runtime, cache'],
    ['p99_ms{variant ugsep} < 5', 16, 'expected "=", got "ugsep"'],
    ['p99_ms{variant=} < 5', 16, 'expected a value for label variant, got "}"'],
    ['p99_ms{variant=a variant=b} < 5', 18, 'expected "," or "}" after label variant, got "variant"'],
    ['p99_ms{variant=a, variant=b} < 5', 19, 'label variant given twice'],
    ['p99_ms{cache=warm} < 5', 14, 'label cache: expected one of all, hit, miss, got "warm"'],
    ['speedup{variant=ugsep} > 1.3', 24, 'metric speedup needs the label vs'],
    ['speedup{vs=baseline, metric=p42} > 1', 29, 'label metric: expected one of'],
    ['dropped == 0 0', 14, 'expected end of line, got "0"'],
    ['dropped = 0', 9, 'expected a comparison operator'],
    ['dropped == 0 ; x', 14, 'unexpected character ";"'],
    ['p99_ms{variant="ugsep} < 5', 16, 'unterminated string'],
    ['{variant=x} < 1', 1, 'expected a metric name, got "{"'],
    ['p99_ms{variant=x < 1', 18, 'expected "," or "}" after label variant, got "<"'],
  ];
  for (const [text, col, message] of cases) {
    it(text, () => {
      const result = parseThreshold(text);
      expect(result).toHaveProperty('error');
      const error = (result as { error: { col: number; message: string } }).error;
      expect(error.message).toContain(message);
      expect(error.col).toBe(col);
    });
  }
});

describe('thresholds file', () => {
  it('reports every bad line at once with line and column', () => {
    const text = '# gates\np99_ms{variant=ugsep} < 25\n\ndropped = 0\np98_ms < 1\n';
    try {
      thresholdsFromText(text, 'gates.txt');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problems).toEqual([
        'thresholds line 4, col 9: expected a comparison operator (<, <=, >, >=, ==, !=), got "="',
        expect.stringMatching(/^thresholds line 5, col 1: unknown metric "p98_ms"/),
      ]);
    }
  });
  it('parses good files with origins', () => {
    const thresholds = thresholdsFromText('dropped == 0\n# x\np99_ms < 5', 'g.txt');
    expect(thresholds.map((t) => t.origin)).toEqual(['g.txt:1', 'g.txt:3']);
  });
});
