/** The capacity report as Markdown: what a manager reads. */
import type { CapacityReport } from './build.ts';

const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const bytes = (b: number | null) => (b === null ? '-' : b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const money = (x: number | null) => (x === null ? '-' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export function capacityMarkdown(r: CapacityReport): string {
  const o = r.options;
  const lines: string[] = [
    `# Capacity plan: ${r.sweep.name}`,
    '',
    `Target: **${o.peakQps} req/s** at peak, **p99 <= ${o.sloP99Ms} ms**, ${pct(o.headroom)} headroom per replica` +
      (o.replicaCostPerHour !== null ? `, ${o.replicaCostPerHour} per replica-hour` : '') +
      (o.activeUsers !== null ? `, ${o.activeUsers.toLocaleString('en-US')} active users` : '') +
      '.',
    `Measured by \`ugbench sweep\` on ${r.sweep.machine} (commit ${r.sweep.commit?.slice(0, 10) ?? 'unknown'}, ${r.sweep.createdAt}); one replica = one process as measured.`,
    '',
    '## Replicas per variant (measured)',
    '',
    '| run | model | peak req/s per replica | candidates/req | replicas | utilisation | cost / hour | cost / 1M candidates | user-state cache |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of r.series) {
    const p = s.plan;
    lines.push(
      `| ${s.id} | ${s.model} | ${s.peakQps === null ? 'SLO not met at any rate tried' : num(s.peakQps)} | ${num(s.meanCandidates, 0)} | ${p ? p.replicas : '-'} | ${p ? pct(p.utilisation) : '-'} | ${money(p?.costPerHour ?? null)} | ${money(p?.costPerMillionCandidates ?? null)} | ${bytes(p?.cacheBytes ?? null)} |`,
    );
  }
  const whatIf = r.series.filter((s) => s.whatIf);
  if (whatIf.length > 0) {
    lines.push('', '## What if the user-state cache hit rate were different', '');
    lines.push('Modelled from the separate hit and miss latency histograms of the lowest-rate sustained step: capacity scales with the inverse of the mean service time; p99 is of the hit/miss mixture at low load (no queueing).', '');
    lines.push('| run | hit rate | mean service ms | peak req/s per replica | replicas | p99 ms (mixture) | meets SLO |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const s of whatIf) {
      for (const w of s.whatIf!) {
        const replicas = Math.max(1, Math.ceil(o.peakQps / (w.peakQps * (1 - o.headroom)) - 1e-9));
        lines.push(`| ${s.id} | ${pct(w.hitRate)} | ${num(w.meanServiceUs / 1000, 2)} | ${num(w.peakQps)} | ${replicas} | ${num(w.p99Us / 1000, 2)} | ${w.p99Us / 1000 <= o.sloP99Ms ? 'yes' : 'no'} |`);
      }
    }
  }
  if (r.estimates.length > 0) {
    lines.push('', "## The paper's RankMixer sizes (estimates from the cost model)", '');
    lines.push('| model | variant | scaled from | GFLOP/s achieved there | GFLOP / request | peak req/s per replica (estimate) | replicas (estimate) | cost / 1M candidates (estimate) | fp32 weights | fits in memory here |');
    lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const e of r.estimates) {
      lines.push(
        `| ${e.preset} | ${e.variant} | ${e.scaledFrom} | ${num(e.achievedGflopPerS)} | ${num(e.flopsPerRequest / 1e9, 2)} | ${num(e.peakQps, 2)} (estimate) | ${e.plan.replicas} (estimate) | ${money(e.plan.costPerMillionCandidates)} | ${bytes(e.weightBytes)} | ${e.fitsInMemory ? 'yes' : 'no'} |`,
      );
    }
  }
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  lines.push('', 'Formulas: replicas = ceil(target / (peak x (1 - headroom))); cost per 1M candidates = replicas x cost per hour / (target x candidates per request x 3600) x 1e6; cache = active users x bytes per user state (models/cost.ts userStateBytes).', '');
  return lines.join('\n');
}
