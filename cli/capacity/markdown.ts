/** The capacity report as Markdown, for a manager: the recommendation first, then the curves, then the method. */
import type { CapacityReport } from './build.ts';

const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const bytes = (b: number | null) => (b === null ? '-' : b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const money = (x: number | null) => (x === null ? '-' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(3));
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function recommendationLines(r: CapacityReport): string[] {
  const o = r.options;
  const rec = r.recommendation;
  const lines = ['## Recommendation', ''];
  if (!rec.best) return [...lines, `**No measured variant met p99 <= ${o.sloP99Ms} ms at any rate tried.** Loosen the SLO, sweep lower rates, or use a faster configuration.`];
  const b = rec.best;
  const check = r.series.find((s) => s.id === b.id)?.consistency;
  lines.push(
    `**Serve ${b.variant} with ${b.config}: ${b.replicas} replica${b.replicas === 1 ? '' : 's'}** for ${o.peakQps} req/s at p99 <= ${o.sloP99Ms} ms (${num(b.peakQps)} req/s per replica measured, ${pct(o.headroom)} kept free)` +
      (b.costPerMillionCandidates !== null ? `, ${money(b.costPerMillionCandidates)} per million candidates` : '') +
      (b.cacheBytes !== null ? `, ${bytes(b.cacheBytes)} of user-state cache` : '') +
      '.',
  );
  for (const c of rec.perVariant.slice(1)) lines.push(`- ${c.variant} at its best (${c.config}) needs ${c.replicas} replicas (${(c.replicas / b.replicas).toFixed(2)}x).`);
  for (const v of rec.none) lines.push(`- ${v} met the SLO at no rate tried.`);
  const rs = r.series.find((s) => s.id === b.id);
  if (check) lines.push(`- Self-check of the recommended series: ${check.text}.`);
  else if (rs?.peakIsLowerBound) lines.push('- The recommended series never reached its knee: its peak is a lower bound, the replica count an upper bound.');
  return lines;
}

function seriesTable(r: CapacityReport): string[] {
  const lines = ['', '## Replicas per variant and configuration (measured)', ''];
  lines.push('| run | config | model | peak req/s per replica | knee in | mean service ms | instances / service req/s | check | replicas | utilisation | cost / hour | cost / 1M candidates | user-state cache |');
  lines.push('| --- | --- | --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of r.series) {
    const p = s.plan;
    const knee = s.kneeSpread ? `${num(s.kneeSpread.lowQps)}-${num(s.kneeSpread.highQps)}` : '-';
    const check = s.consistency ? (s.consistency.agrees ? 'ok' : 'DISAGREE') : s.peakIsLowerBound ? 'lower bound' : '-';
    lines.push(
      `| ${s.id} | ${s.config} | ${s.model} | ${s.peakQps === null ? 'SLO not met at any rate tried' : num(s.peakQps)} | ${knee} | ${num(s.service.meanServiceUs === null ? null : s.service.meanServiceUs / 1000, 2)} | ${num(s.consistency?.serviceBoundQps)} | ${check} | ${p ? p.replicas : '-'} | ${p ? pct(p.utilisation) : '-'} | ${money(p?.costPerHour ?? null)} | ${money(p?.costPerMillionCandidates ?? null)} | ${bytes(p?.cacheBytes ?? null)} |`,
    );
  }
  return lines;
}

function curveTable(r: CapacityReport): string[] {
  const lines = ['', '## p99 against offered load, per variant and configuration', '', '| run | offered req/s | repeats sustained | p99 ms (median) | achieved req/s (median) |', '| --- | ---: | --- | ---: | ---: |'];
  for (const s of r.series) for (const c of s.curve) lines.push(`| ${s.id} | ${num(c.targetQps)} | ${c.passed} of ${c.repeats}${c.sustainable ? '' : ' (not sustained)'} | ${num(c.p99Ms, 2)} | ${num(c.achievedQps)} |`);
  return lines;
}

function whatIfLines(r: CapacityReport): string[] {
  const o = r.options;
  const whatIf = r.series.filter((s) => s.whatIf);
  if (whatIf.length === 0) return [];
  const lines = ['', '## What if the user-state cache hit rate were different', ''];
  const bases = new Set(whatIf.flatMap((s) => s.whatIf!.map((w) => w.serviceBasis)));
  const means = bases.has('latency')
    ? `mean service from the hit and miss ${bases.size > 1 ? 'service-time histograms where the run has them, else their latency histograms (queueing included: an upper bound)' : 'latency histograms (the runs have no service-time split; queueing included: an upper bound)'}`
    : 'mean service from the hit and miss service-time histograms (compute in the model instance)';
  lines.push(`Modelled from the lowest-rate sustained runs: ${means}; capacity scales with its inverse; p99 is of the hit/miss latency mixture at that low load.`, '');
  lines.push('| run | hit rate | mean service ms | peak req/s per replica | replicas | p99 ms (mixture) | meets SLO |', '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const s of whatIf) {
    for (const w of s.whatIf!) {
      const replicas = Math.max(1, Math.ceil(o.peakQps / (w.peakQps * (1 - o.headroom)) - 1e-9));
      lines.push(`| ${s.id} | ${pct(w.hitRate)} | ${num(w.meanServiceUs / 1000, 2)} | ${num(w.peakQps)} | ${replicas} | ${num(w.p99Us / 1000, 2)} | ${w.p99Us / 1000 <= o.sloP99Ms ? 'yes' : 'no'} |`);
    }
  }
  return lines;
}

function estimateLines(r: CapacityReport): string[] {
  const e = r.estimates;
  if (e.estimates.length === 0 && e.refusals.length === 0) return [];
  const lines = ['', "## The paper's RankMixer sizes (not measured here: roofline estimates)", ''];
  if (e.estimates.length > 0) {
    lines.push('| model | variant | scaled from | GFLOP / request | service ms (estimate; at the roof) | peak req/s per replica (estimate; bound) | replicas (estimate; at least) | cost / 1M candidates (estimate) | weights per replica | fits in memory here |');
    lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const x of e.estimates) {
      const s = x.estimate;
      lines.push(
        `| ${x.preset} | ${x.variant} | ${x.scaledFrom} | ${num(x.flopsPerRequest / 1e9, 2)} | ${num(s.serviceUs / 1000, 1)} (estimate); ${num(s.bestServiceUs / 1000, 1)} | ${num(s.peakQps, 2)} (estimate); ${num(s.peakBoundQps, 2)} | ${x.plan.replicas} (estimate); ${x.planAtBound.replicas} | ${money(x.plan.costPerMillionCandidates)} | ${bytes(x.weightBytesPerReplica)} | ${x.fitsInMemory ? 'yes' : 'no'} |`,
      );
    }
    if (e.assumption) lines.push('', `Assumption: ${e.assumption}`);
  }
  // one line per reason: the same refusal usually covers every size and variant
  const byReason = new Map<string, string[]>();
  for (const x of e.refusals) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), `${x.preset} ${x.variant}`]);
  if (byReason.size > 0) lines.push('', 'Not estimated:', '', ...[...byReason].map(([reason, which]) => `- ${which.join(', ')}: refused. ${reason}`));
  return lines;
}

export function capacityMarkdown(r: CapacityReport): string {
  const o = r.options;
  const lines: string[] = [
    `# Capacity plan: ${r.sweep.name}`,
    '',
    `Target: **${o.peakQps} req/s** at peak, **p99 <= ${o.sloP99Ms} ms**, ${pct(o.headroom)} headroom per replica` +
      (o.replicaCostPerHour !== null ? `, ${o.replicaCostPerHour} per replica-hour` : '') +
      (o.activeUsers !== null ? `, ${o.activeUsers.toLocaleString('en-US')} active users` : '') +
      '.',
    '',
    ...recommendationLines(r),
    ...seriesTable(r),
    ...curveTable(r),
    ...whatIfLines(r),
    ...estimateLines(r),
    '',
    '## Method',
    '',
    `Measured by \`ugbench sweep\` on ${r.sweep.machine} (commit ${r.sweep.commit?.slice(0, 10) ?? 'unknown'}, ${r.sweep.createdAt}); one replica = one process as measured. Sweep: ${r.sweep.method}`,
    `A rate is sustained when a strict majority of its runs were valid, met p99 <= ${o.sloP99Ms} ms (dropped and failed requests counted as over it), achieved >= 90% of the offered rate and lost <= 0.1% of requests; the peak is the highest sustained rate. The check column compares the peak with instances / mean service time (the most a replica can serve): a knee above 110% or below 30% of it is flagged DISAGREE.`,
    'Formulas: replicas = ceil(target / (peak x (1 - headroom))); cost per 1M candidates = replicas x cost per hour / (target x candidates per request x 3600) x 1e6; cache = active users x bytes per user state (models/cost.ts userStateBytes).',
  ];
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  lines.push('');
  return lines.join('\n');
}
