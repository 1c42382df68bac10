/**
 * `ugbench capacity <sweep.json> --peak-qps Q --slo-p99-ms S [--hit-rate h...]
 *  [--replica-cost-per-hour C] [--active-users U] [--headroom H] [--md F] [--html F]`:
 * the recommendation first, then replicas per variant and configuration at a peak traffic under
 * an SLO, cost per million candidates, user-state cache memory, a hit-rate what-if; the RankMixer
 * sizes as roofline estimates when not run, or refused with the reason (docs/capacity.md).
 */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Register } from '../main.ts';
import { buildCapacityReport } from '../capacity/build.ts';
import { readSweepFile } from '../../harness/results/read.ts';
import { capacityMarkdown } from '../capacity/markdown.ts';
import { capacityHtml } from '../capacity/html.ts';
import { positiveOption } from '../options.ts';

function fraction(upper: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > upper) throw new InvalidArgumentError(`expected a number in [0, ${upper}], got ${JSON.stringify(value)}`);
    return n;
  };
}

interface CapacityFlags {
  peakQps: number;
  sloP99Ms: number;
  hitRate?: number[];
  headroom: number;
  replicaCostPerHour?: number;
  activeUsers?: number;
  md?: string;
  html?: string;
}

export const registerCapacity: Register = (program) => {
  program
    .command('capacity')
    .description('replicas, cost and cache memory per variant at a peak traffic and p99 SLO, from `ugbench sweep` results')
    .argument('<sweep>', 'sweep JSON written by `ugbench sweep`')
    .requiredOption('--peak-qps <qps>', 'fleet peak traffic, requests/s', positiveOption)
    .requiredOption('--slo-p99-ms <ms>', 'p99 latency objective', positiveOption)
    .option('--hit-rate <h...>', 'user-state cache hit rates for the what-if (default 0 0.5 0.8 0.95)', (v: string, all: number[] | undefined) => [...(all ?? []), fraction(1)(v)])
    .option('--headroom <ratio>', 'share of each replica kept free for bursts and failover', fraction(0.95), 0.3)
    .option('--replica-cost-per-hour <cost>', 'price of one replica-hour (any currency)', positiveOption)
    .option('--active-users <n>', 'users a cross-request cache would hold', positiveOption)
    .option('--md <file>', 'write the Markdown report here (default: print it)')
    .option('--html <file>', 'also write an HTML report with the Vega-Lite chart')
    .action(async (path: string, flags: CapacityFlags) => {
      const report = buildCapacityReport(readSweepFile(path), {
        peakQps: flags.peakQps,
        sloP99Ms: flags.sloP99Ms,
        hitRates: flags.hitRate ?? [0, 0.5, 0.8, 0.95],
        headroom: flags.headroom,
        replicaCostPerHour: flags.replicaCostPerHour ?? null,
        activeUsers: flags.activeUsers ?? null,
      });
      const md = capacityMarkdown(report);
      if (flags.md) writeFileSync(flags.md, md);
      else process.stdout.write(md);
      if (flags.html) writeFileSync(flags.html, await capacityHtml(report));
    });
};
