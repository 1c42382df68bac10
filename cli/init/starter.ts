/**
 * What `ugbench init` writes: a starter scenario whose comments explain each section, and an
 * example request file for `ugbench score`. Both are checked by test/cli/init.test.ts (the
 * scenario validates and runs as written, the request parses for the scenario's preset).
 */
import { Rng } from '../../harness/rng.ts';

export const STARTER_PRESET = 'small';

export function starterScenario(name: string): string {
  return `# A ugbench scenario: which models, on which runtimes, under which traffic, judged how.
# Every field is listed in docs/scenarios.md of the ugbench repository. Run it with
#   ugbench bench ${name}.yaml
# and read the table it prints (docs/reading-results.md).
name: ${name}
description: starter scenario written by ugbench init
# One root seed: the traffic plan, the generated weights and the request features derive from
# it, so the same file and seed replay exactly the same requests.
seed: 1

# The model under test: a named size (\`ugbench presets\` lists them), an explicit shape, or a
# safetensors weights file of your own (docs/model.md describes the contract).
model:
  preset: ${STARTER_PRESET}
  byRuntime:
    # the plain-TypeScript reference runtime is slow: give it the tiny model
    reference: { preset: tiny }

# The variants compared on the same traffic: RankMixer (baseline), UG-Sep, UG-Sep with
# int8 weights (ugsep-w8a16).
variants: [baseline, ugsep, ugsep-w8a16]

# Where they run. auto = the fastest runtime available on this machine; name one
# (ort-cpu, tfjs-cpu, reference, ...) to pin it, or list several to compare runtimes.
runtimes:
  - name: auto

traffic:
  # who sends requests: returning users follow a Zipf law, as in a feed
  users: { size: 100000, distribution: zipf, zipfExponent: 1.0 }
  # how many candidates each request ranks
  candidates: { distribution: lognormal, median: 32, sigma: 0.5, min: 8, max: 128 }
  # open loop: requests arrive on a schedule whether or not the model keeps up, and latency is
  # measured from the scheduled time, so queueing shows in the percentiles. Raise the rate to
  # find where a variant stops keeping up (or let \`ugbench sweep\` find it).
  arrivals: { process: poisson, rateQps: 4 }

# Cross-request cache of user-side state for the UG-Sep variants (results say when it was used).
cache:
  capacityUsers: 10000
  ttlS: 300

run:
  warmupS: 2       # issued but never recorded
  durationS: 20    # the measured window: 3 variants x (2 + 20) s, plus set-up
  minQueries: 50   # fewer completions make the run INVALID (exit 98)

# Checked on every run; a miss fails the run (exit 99). p90, not p99: ~80 requests per variant
# (20 s at 4 req/s) support a 99%-confidence bound up to p90 (it needs 44; p99 needs 459), and a
# check on a percentile the requests cannot support makes the run INVALID (exit 98).
slo:
  p90Ms: 500

# Gate expressions over the results, checked by \`ugbench gate <results.json>\` (exit 99 when one
# fails; docs/ci-gates.md lists the metrics).
thresholds:
  - "p90_ms{variant=ugsep} < 500"
`;
}

/** A request for `ugbench score` on the starter's preset: one user row and a few candidate rows. */
export function starterRequest(config: { Fu: number; Fg: number }, candidates = 3, seed = 1): string {
  const rng = new Rng(seed);
  const row = (n: number) => Array.from({ length: n }, () => Math.round(rng.normal() * 1000) / 1000);
  const groupRows = Array.from({ length: candidates }, () => row(config.Fg));
  return `${JSON.stringify({ user_features: row(config.Fu), group_features: groupRows })}\n`;
}
