/**
 * `ugbench report <results.json...> [--out DIR]`: re-render the report from results JSON alone;
 * several files (two commits, two machines, a sweep) become one comparison report. The roofline
 * uses limits.json beside the results, else --limits, else this machine's cached `ugbench limits`
 * when the results came from this machine (never measured here: that is `ugbench limits`).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Register } from '../main.ts';
import { InputError } from '../../harness/errors.ts';
import { limitsCacheDir } from '../../models/limits/cache.ts';
import { machineLimits } from '../../models/limits/measure.ts';
import type { MachineLimits } from '../../harness/results/machine-limits.ts';
import { limitsMatchMachine, loadLimits, loadResultsOrSweep } from '../../reports/load.ts';
import { renderReport } from '../../reports/report.ts';

/** The cached limits measured on the machine of these results, if any. */
async function cachedLimitsFor(resultsPath: string): Promise<MachineLimits | undefined> {
  const dir = limitsCacheDir();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^limits-.*\.json$/.test(n));
  } catch {
    return undefined;
  }
  const [first] = await loadResultsOrSweep(resultsPath);
  if (!first) return undefined;
  const { results } = first;
  for (const name of names) {
    const limits = await loadLimits(path.join(dir, name));
    if (limits && limitsMatchMachine(limits, results)) return limits;
  }
  return undefined;
}

/**
 * What `ugbench bench` calls after writing results.json: machine limits (cached per machine;
 * measured once, ~10 s, the first time unless `measureLimits` is false), then the report beside
 * the results. Returns the lines to print (summary, then the paths). Never throws: a report that
 * fails to render must not fail a finished benchmark, so the failure becomes a warning line.
 */
export async function renderAfterBench(resultsFile: string, options: { threads?: number; measureLimits?: boolean } = {}): Promise<{ text: string; html: string | null; pngs: string[] }> {
  try {
    let limits: MachineLimits | undefined;
    if (options.measureLimits ?? true) {
      limits = (await machineLimits(options.threads ? { threads: options.threads } : {})).limits;
    } else {
      limits = await cachedLimitsFor(resultsFile);
    }
    const rendered = await renderReport(resultsFile, limits ? { limits } : {});
    const text = `${rendered.afterBench}report written to ${rendered.html}\ncharts written to ${rendered.pngs.join(' ')}\n`;
    return { text, html: rendered.html, pngs: rendered.pngs };
  } catch (error) {
    return { text: `ugbench: warning: the report could not be rendered (${error instanceof Error ? error.message : String(error)}); re-run \`ugbench report ${resultsFile}\`\n`, html: null, pngs: [] };
  }
}

export const registerReport: Register = (program) => {
  program
    .command('report')
    .description('render report.html, Vega-Lite specs, SVG and PNG charts from results JSON; several files make one comparison report')
    .argument('<results...>', 'results.json files written by ugbench bench (or sweep.json from ugbench sweep)')
    .option('--out <dir>', 'output directory (default: beside the results; comparison/ beside the first for several)')
    .option('--limits <file>', 'machine limits JSON (default: limits.json beside the results, else the cached ugbench limits of this machine)')
    .option('--no-png', 'skip PNG rendering')
    .option('--wide', 'print every column of the run table (default: the columns that fit 100 characters)')
    .action(async (files: string[], opts: { out?: string; limits?: string; png: boolean; wide?: boolean }) => {
      // Every unreadable or foreign file is bad input (exit 104), reported before any rendering.
      const problems: string[] = [];
      for (const file of files) {
        try {
          if ((await loadResultsOrSweep(file)).length === 0) problems.push(`${file}: a sweep with no steps`);
        } catch (error) {
          problems.push(error instanceof Error ? error.message : String(error));
        }
      }
      if (problems.length > 0) throw new InputError('results', problems);
      let limits: MachineLimits | undefined;
      if (opts.limits) {
        limits = await loadLimits(opts.limits);
        if (!limits) throw new InputError('--limits', [`expected a ugbench limits JSON file, got ${JSON.stringify(opts.limits)}`]);
      } else {
        limits = await cachedLimitsFor(files[0]!);
      }
      const rendered = await renderReport(files, { ...(opts.out ? { outDir: opts.out } : {}), ...(limits ? { limits } : {}), png: opts.png, wide: opts.wide ?? false });
      process.stdout.write(rendered.console);
      for (const note of rendered.notes) process.stdout.write(`note: ${note}\n`);
      process.stdout.write(`report: ${rendered.html}\n`);
      if (rendered.pngs.length > 0) process.stdout.write(`charts: ${rendered.pngs.join(' ')}\n`);
    });
};
