/**
 * `ugbench compare results.json --variants A,B`: variant B against variant A from the paired
 * samples of one bench (harness/results/compare/paired-variants.ts). Same decision rule, options
 * and exit codes as compare: 0 decided, no regression; 99 regression; 97 inconclusive; 98 the
 * results are not valid; 104 bad input (no paired samples, unknown variant).
 */
import { ExitCode, InputError } from '../../harness/errors.ts';
import { compareVariants, formatVariantComparison } from '../../harness/results/compare/paired-variants.ts';
import { readResultsFile } from '../../harness/results/read.ts';
import { compareOptionsFrom, type CompareFlags } from './compare-options.ts';

export function compareVariantsCommand(file: string, variants: string, flags: CompareFlags, out: (line: string) => void): ExitCode {
  const names = variants.split(',').map((v) => v.trim());
  if (names.length !== 2 || names.some((n) => n === '')) throw new InputError('compare', [`--variants: expected two variants separated by a comma (A,B), got ${JSON.stringify(variants)}`]);
  const results = readResultsFile(file);
  const o = compareOptionsFrom(flags);
  const c = compareVariants(results, names[0]!, names[1]!, file, { rule: o.rule, confidence: o.confidence ?? 0.95, replicates: o.replicates ?? 1000, seed: o.seed ?? 1 });
  for (const line of formatVariantComparison(c)) out(line);
  if (results.status !== 'valid') {
    out(`INVALID RUN: ${file} is ${results.status}; the comparison above is not a verdict`);
    return ExitCode.invalidRun;
  }
  if (c.verdict === 'regression') out(`compare FAILED: ${c.b} is slower than ${c.a} beyond the tolerance`);
  else if (c.verdict === 'inconclusive') out('compare INCONCLUSIVE: the interval straddles the tolerance; a bench with more paired requests (--paired) may decide');
  else out(`compare passed: ${c.b} is not slower than ${c.a} beyond the tolerance`);
  return c.verdict === 'regression' ? ExitCode.gatesFailed : c.verdict === 'inconclusive' ? ExitCode.inconclusive : ExitCode.ok;
}
