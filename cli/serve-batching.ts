/**
 * `ugbench serve`'s dynamic-batching flags, checked by the scenario's own batching schema so a
 * flag and a scenario accept exactly the same settings; problems name the flag (exit 104).
 */
import { InputError } from '../harness/errors.ts';
import { batchingSchema } from '../harness/scenario/schema.ts';
import { issuesToProblems } from '../harness/scenario/problems.ts';
import { batchingPolicy, type BatchingPolicy } from '../models/instances/batcher.ts';

export interface BatchingFlags {
  maxBatch?: string;
  preferredBatch?: string;
  maxQueueDelayUs?: string;
}

const FLAG_OF: Record<string, string> = { maxBatch: '--max-batch', preferredBatch: '--preferred-batch', maxQueueDelayUs: '--max-queue-delay-us' };

/** A flag's text as the number it spells, or the text itself (so the schema says what was wrong). */
const numberOr = (text: string): number | string => (/^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text);

/** The batching policy the flags ask for; undefined when no batching flag is given. */
export function batchingFromFlags(flags: BatchingFlags): BatchingPolicy | undefined {
  if (flags.maxBatch === undefined) {
    const given = (['preferredBatch', 'maxQueueDelayUs'] as const).filter((k) => flags[k] !== undefined).map((k) => FLAG_OF[k]!);
    if (given.length > 0) throw new InputError('serve', [`--max-batch: expected an integer >= 1 (dynamic batching needs it with ${given.join(' and ')}), got nothing`]);
    return undefined;
  }
  const raw = {
    maxBatch: numberOr(flags.maxBatch),
    ...(flags.preferredBatch === undefined ? {} : { preferredBatch: flags.preferredBatch.split(',').map((p) => numberOr(p)) }),
    ...(flags.maxQueueDelayUs === undefined ? {} : { maxQueueDelayUs: numberOr(flags.maxQueueDelayUs) }),
  };
  const parsed = batchingSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = issuesToProblems(parsed.error.issues, raw).map((p) => p.replace(/^(maxBatch|preferredBatch|maxQueueDelayUs)/, (key) => FLAG_OF[key]!));
    throw new InputError('serve', problems);
  }
  return batchingPolicy(parsed.data);
}
