/** `ugbench limits [--remeasure]`: this machine's GEMM ceiling and memory bandwidth, cached per fingerprint. */
import type { Register } from '../main.ts';
import { integerOption } from '../options.ts';
import { machineLimits } from '../../models/limits/measure.ts';
import { limitsTrustProblems, type MachineLimits } from '../../harness/results/machine-limits.ts';

export function formatLimits(limits: MachineLimits): string {
  const lines = [
    `machine      ${limits.machine.cpuBrand}, ${limits.machine.cores} cores, ${(limits.machine.memoryTotalBytes / 2 ** 30).toFixed(1)} GiB, ${limits.machine.platform}/${limits.machine.arch}, node ${limits.machine.node}`,
    `fingerprint  ${limits.fingerprint} (measured ${limits.measuredAt}, load average ${limits.loadAverage1m.toFixed(2)})`,
  ];
  if (limits.gemm.peakGflopPerS === null) {
    lines.push(`GEMM         not available: ${limits.gemm.unavailableReason ?? 'unknown reason'}`);
  } else {
    const sizes = limits.gemm.measurements.map((m) => `${m.n}^3 ${m.gflopPerS.toFixed(1)}`).join(', ');
    lines.push(`GEMM         ${limits.gemm.peakGflopPerS.toFixed(1)} GFLOP/s peak (${limits.gemm.runtime} ${limits.gemm.version}, ${limits.gemm.threads} threads; ${sizes})`);
  }
  const bw = limits.bandwidth.measurements.map((m) => `${m.kernel} ${(m.bufferBytes / 2 ** 20).toFixed(0)} MiB ${m.gbPerS.toFixed(1)}`).join(', ');
  lines.push(`bandwidth    ${limits.bandwidth.peakGBPerS.toFixed(1)} GB/s beyond the caches (${bw})`);
  if (limits.gemm.peakGflopPerS !== null) {
    lines.push(`ridge point  ${(limits.gemm.peakGflopPerS / limits.bandwidth.peakGBPerS).toFixed(2)} FLOP/byte (below: memory-bound, above: compute-bound)`);
  }
  for (const problem of limitsTrustProblems(limits)) {
    lines.push(`warning      not trustworthy: ${problem}; these limits are low or stale: run \`ugbench limits --remeasure\` when the machine is quiet`);
  }
  lines.push(`GPU memory   ${limits.gpuMemoryUtilisation ? `${(limits.gpuMemoryUtilisation.usedFraction * 100).toFixed(1)}% used (${limits.gpuMemoryUtilisation.source})` : 'not available (no driver reading)'}`);
  return `${lines.join('\n')}\n`;
}

export const registerLimits: Register = (program) => {
  program
    .command('limits')
    .description('measure (once per machine, then cached) the large-GEMM GFLOP/s and memory bandwidth that reports use as the roofline')
    .option('--remeasure', 'ignore the cached limits and measure again', false)
    .option('--threads <n>', 'intra-op threads for the GEMM (default: all cores)', integerOption(1))
    .option('--json', 'print the limits JSON instead of the summary', false)
    .action(async (opts: { remeasure: boolean; threads?: number; json: boolean }) => {
      const outcome = await machineLimits({ remeasure: opts.remeasure, ...(opts.threads ? { threads: opts.threads } : {}) });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(outcome.limits, null, 2)}\n`);
        return;
      }
      process.stdout.write(formatLimits(outcome.limits));
      process.stdout.write(`${outcome.cached ? 'cached' : 'measured'}     ${outcome.file}${outcome.cached ? ' (--remeasure to refresh)' : ''}\n`);
    });
};
