/**
 * `ugbench surface [scenario] [--candidates N,...] [--hit-rates h,...] [--requests n] [--out dir]`:
 * service time over candidates x user-cache hit rates for every variant, the fit
 * t = a + b·N + (1 − hit)·c_user per variant (R², worst residual), written as surface.json with
 * the measured-vs-fitted chart beside it (docs/surface.md).
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Register } from '../main.ts';
import { ExitCode } from '../../harness/errors.ts';
import { loadScenarioFile } from '../../harness/scenario/load.ts';
import { claimResultsDir, writeJsonAtomic } from '../../harness/results/io.ts';
import { integerOption } from '../options.ts';
import { specToSvg } from '../../reports/render/svg.ts';
import { svgToPng } from '../../reports/render/png.ts';
import { runSurface } from '../surface/run-surface.ts';
import { surfaceGrid, DEFAULT_MAX_CELL_S, DEFAULT_REQUESTS_PER_CELL, DEFAULT_WARMUP_REQUESTS_PER_CELL, type GridFlags } from '../surface/grid.ts';
import { formatSurfaceTable } from '../surface/table.ts';
import { surfaceChart } from '../surface/chart.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const DEFAULT_SCENARIO = join(ROOT, 'scenarios', 'default.yaml');

interface SurfaceCliOptions extends GridFlags {
  out?: string;
  runtime?: string;
  variants?: string;
  preset?: string;
  seed?: number;
  chart: boolean;
}

export const registerSurface: Register = (program, setExit) => {
  program
    .command('surface')
    .description('measure service time over candidates x user-cache hit rates and fit t = a + b*N + (1 - hit)*c_user per variant')
    .argument('[scenario]', 'scenario YAML file (its variants, runtimes, model and candidate range)', DEFAULT_SCENARIO)
    .option('--candidates <list>', 'candidate counts, comma-separated (default: 6 geometric steps over the scenario\'s candidate range)')
    .option('--hit-rates <list>', 'user-cache hit rates in [0, 1], comma-separated (default 0,0.5,0.9,1)')
    .option('--requests <n>', `measured requests per cell (default ${DEFAULT_REQUESTS_PER_CELL})`)
    .option('--warmup-requests <n>', `untimed requests before each cell (default ${DEFAULT_WARMUP_REQUESTS_PER_CELL})`)
    .option('--max-cell-s <s>', `stop a cell after this many seconds even if short of --requests (default ${DEFAULT_MAX_CELL_S})`)
    .option('--runtime <name>', 'override every runtime: auto, reference, ort-cpu, ...')
    .option('--variants <list>', 'override the variants, comma-separated')
    .option('--preset <name>', 'override the model preset')
    .option('--seed <n>', 'override the scenario seed', integerOption(0))
    .option('--out <dir>', 'results directory (default results/<UTC timestamp>)')
    .option('--no-chart', 'do not render surface.svg / surface.png')
    .action(async (path: string, opts: SurfaceCliOptions) => {
      const scenario = loadScenarioFile(path, { runtime: opts.runtime, variants: opts.variants?.split(',').map((v) => v.trim()), preset: opts.preset, seed: opts.seed });
      const grid = surfaceGrid(opts, scenario.traffic.candidates); // bad flags exit 104 before anything starts
      const outDir = opts.out ?? claimResultsDir();
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.once('SIGINT', onSignal);
      try {
        const results = await runSurface({ scenario, scenarioPath: resolve(path), root: ROOT, grid, signal: abort.signal, log: (line) => process.stderr.write(`${line}\n`) });
        const file = join(outDir, 'surface.json');
        writeJsonAtomic(file, results);
        process.stdout.write(formatSurfaceTable(results.surface!));
        process.stdout.write(`results written to ${file}\n`);
        if (opts.chart) {
          const chart = surfaceChart(results.surface!);
          const svg = await specToSvg(chart.spec);
          await writeFile(join(outDir, `${chart.name}.vl.json`), `${JSON.stringify(chart.spec, null, 2)}\n`);
          await writeFile(join(outDir, `${chart.name}.svg`), svg);
          await writeFile(join(outDir, `${chart.name}.png`), svgToPng(svg));
          process.stdout.write(`chart written to ${join(outDir, `${chart.name}.png`)}\n`);
        }
        if (results.status !== 'valid') {
          process.stdout.write(`surface ${results.status}: ${results.status === 'aborted' ? 'interrupted' : 'a variant has no fit (see the table)'}\n`);
          setExit(ExitCode.invalidRun);
        }
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
};
