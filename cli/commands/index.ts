/**
 * The command table: each command's name, its one-line summary for `ugbench --help`, and how to
 * load it. Only the command being run is imported (with the modules it pulls in: runtimes,
 * charting, Kubernetes models, autocannon), so `ugbench --help` loads commander and this file.
 * The full description and the options live with the command itself (shown by `<cmd> --help`).
 */
import type { Register } from '../main.ts';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'init', summary: 'write a commented starter scenario and an example request file', load: async () => (await import('./init.ts')).registerInit },
  { name: 'presets', summary: 'list the named model sizes', load: async () => (await import('./presets.ts')).registerPresets },
  { name: 'weights', summary: 'write seeded weights as a safetensors file', load: async () => (await import('./weights.ts')).registerWeights },
  { name: 'score', summary: 'score one request file, scores as JSON on stdout', load: async () => (await import('./score.ts')).registerScore },
  { name: 'bench', summary: 'run a scenario and write its results JSON', load: async () => (await import('./bench.ts')).registerBench },
  { name: 'report', summary: 'render HTML and charts from results JSON', load: async () => (await import('./report.ts')).registerReport },
  { name: 'export-results', summary: 'results as CSV, a Markdown summary or JSON, for other tools', load: async () => (await import('./export-results.ts')).registerExportResults },
  { name: 'gate', summary: 'check results against thresholds and a baseline (exit 99 on failure)', load: async () => (await import('./gate.ts')).registerGate },
  { name: 'compare', summary: 'compare two commits or configs over repeated interleaved runs', load: async () => (await import('./compare.ts')).registerCompare },
  { name: 'history', summary: 'keep results per commit and find where each metric changed', load: async () => (await import('./history.ts')).registerHistory },
  { name: 'sweep', summary: 'find the peak sustainable QPS under the p99 SLO', load: async () => (await import('./sweep.ts')).registerSweep },
  { name: 'surface', summary: 'fit service time = a + b*N + (1 - hit)*c_user over candidates x hit rates', load: async () => (await import('./surface.ts')).registerSurface },
  { name: 'capacity', summary: 'replicas, cost and cache memory from sweep results', load: async () => (await import('./capacity.ts')).registerCapacity },
  { name: 'search', summary: 'configuration search: best instances x threads per variant under the SLO', load: async () => (await import('./search.ts')).registerSearch },
  { name: 'limits', summary: 'measure this machine\'s GFLOP/s and memory bandwidth (cached)', load: async () => (await import('./limits.ts')).registerLimits },
  { name: 'export', summary: 'write ONNX graphs and a Triton model repository for one variant', load: async () => (await import('./export.ts')).registerExport },
  { name: 'serve', summary: 'serve the variants over the Open Inference Protocol (KServe v2)', load: async () => (await import('./serve.ts')).registerServe },
  { name: 'merge', summary: 'merge the shard results of a sharded run', load: async () => (await import('./merge.ts')).registerMerge },
  { name: 'k8s', summary: 'write Kubernetes manifests for a sharded run', load: async () => (await import('./k8s.ts')).registerK8s },
  { name: 'completion', summary: 'print a bash or zsh completion script', load: async () => (await import('./completion.ts')).registerCompletion },
];

/**
 * The command an argv names (`ugbench [global options] <cmd> ...` or `ugbench help <cmd>`), if
 * any: the first argument that is not an option.
 */
export function commandNamed(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}
