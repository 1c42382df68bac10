/**
 * The open loop's issuing thread under SCHED_FIFO while it measures (harness/loadgen/issuer-priority.ts),
 * read back from /proc by the system under test as each request is issued, restored afterwards, and
 * not inherited by threads created meanwhile. Where the OS refuses (no CAP_SYS_NICE, RLIMIT_RTPRIO 0)
 * the thread stays as started and the results say why: exercised in this process when it lacks the
 * capability, else in a child started without it (setpriv), so both branches run wherever they can.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { HrClock } from '../../../harness/loadgen/clock.ts';
import { raiseIssuingThread, type IssuerPolicyFacts, type IssuerPriority } from '../../../harness/loadgen/issuer-priority.ts';
import { measure } from '../../../harness/loadgen/measure.ts';
import { COMPLETED_NO_CACHE, type SystemUnderTest } from '../../../harness/loadgen/sut.ts';
import { threadPolicy } from '../../../harness/loadgen/thread-policy.ts';
import { buildPlan } from '../../../harness/loadgen/traffic/plan.ts';
import { parseScenario } from '../../../harness/scenario/load.ts';
import { commandMissing } from '../../fixtures/command-missing.ts';

const CAP_SYS_NICE_BIT = 23n;
const noProc = existsSync('/proc/thread-self/stat') ? undefined : 'no /proc/thread-self here (not Linux): thread policies cannot be read back';


/** Whether this process may use SCHED_FIFO: CAP_SYS_NICE effective, or a real-time priority limit >= 1. */
function fifoPermitted(): boolean {
  try {
    const capEff = /CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (capEff && (BigInt(`0x${capEff}`) >> CAP_SYS_NICE_BIT) & 1n) return true;
    const rtprio = /Max realtime priority\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return rtprio === 'unlimited' || Number(rtprio) >= 1;
  } catch {
    return false;
  }
}


const unavailable = noProc ?? commandMissing('chrt', 'util-linux chrt is not installed here: no thread policy can be set');
const permitted = unavailable === undefined && fifoPermitted();
const notPermittedHere = unavailable ?? (permitted ? commandMissing('setpriv', 'util-linux setpriv is not installed: a child without CAP_SYS_NICE cannot be started') : undefined);

/** A system under test that answers at once and notes the issuing thread's policy per request. */
function policyProbeSut(seen: Set<string>): SystemUnderTest {
  return {
    issue: () => {
      seen.add(threadPolicy() ?? '?');
      return Promise.resolve(COMPLETED_NO_CACHE);
    },
  };
}

async function openLoop(issuerPriority: IssuerPriority): Promise<{ seen: Set<string>; facts: IssuerPolicyFacts | undefined }> {
  const scenario = parseScenario({ name: 't', traffic: { arrivals: { process: 'constant', rateQps: 200 }, issuerPriority }, run: { warmupS: 0.05, durationS: 0.2, minQueries: 10 } }, 'test');
  const seen = new Set<string>();
  const record = await measure({ scenario, plan: buildPlan(scenario), sut: policyProbeSut(seen), clock: new HrClock() });
  return { seen, facts: record.issuingThread };
}

/** Policy a thread created now starts with: the worker says its thread id, read here while it lives. */
function newThreadPolicy(): Promise<string> {
  // the timer keeps the worker's thread alive until it is terminated, after the read
  const code = `require('node:worker_threads').parentPort.postMessage(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()); setInterval(() => {}, 1000);`;
  const worker = new Worker(code, { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('message', (tid: string) => {
      const policy = threadPolicy(`/proc/self/task/${tid}/stat`) ?? 'unreadable';
      void worker.terminate().then(() => resolve(policy));
    });
    worker.once('error', reject);
  });
}

describe('issuing-thread priority', () => {
  it.skipIf(!permitted)('realtime (the default): every request is issued under SCHED_FIFO, the thread is normal again after, threads created meanwhile start normal', async () => {
    const before = threadPolicy();
    const { seen, facts } = await openLoop('realtime');
    console.log(`issuer policies seen by the system under test: ${[...seen].join(', ')}; facts ${JSON.stringify(facts)}`);
    expect([...seen]).toEqual(['SCHED_FIFO']);
    expect(facts?.policy).toBe('SCHED_FIFO');
    expect(facts?.policyUnchanged).toBeUndefined();
    expect(threadPolicy()).toBe(before);

    const raised = raiseIssuingThread('realtime');
    try {
      expect(threadPolicy()).toBe('SCHED_FIFO');
      expect(await newThreadPolicy()).toBe('SCHED_OTHER'); // reset-on-fork
    } finally {
      raised.restore();
    }
    expect(threadPolicy()).toBe(before);
  });

  it.skipIf(unavailable !== undefined)('normal (the control): the issuer runs as started', async () => {
    const before = threadPolicy()!;
    const { seen, facts } = await openLoop('normal');
    expect([...seen]).toEqual([before]);
    expect(facts?.policy).toBe(before);
    expect(facts?.policyUnchanged).toBeUndefined();
  });

  it.skipIf(notPermittedHere !== undefined)('not permitted: the thread stays as started and the reason names the capability', () => {
    let facts: IssuerPolicyFacts;
    if (!permitted) {
      const raised = raiseIssuingThread('realtime');
      facts = raised.facts;
      raised.restore();
    } else {
      // this process may: ask a child started without CAP_SYS_NICE (its RLIMIT_RTPRIO is checked below)
      const module = fileURLToPath(new URL('../../../harness/loadgen/issuer-priority.ts', import.meta.url));
      const code = `import { raiseIssuingThread } from ${JSON.stringify(module)}; process.stdout.write(JSON.stringify(raiseIssuingThread('realtime').facts));`;
      const out = execFileSync('setpriv', ['--bounding-set', '-sys_nice', '--inh-caps', '-sys_nice', '--', 'sh', '-c', 'ulimit -r 0 && exec "$0" "$@"', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
      facts = JSON.parse(out) as IssuerPolicyFacts;
    }
    console.log(`not permitted: ${JSON.stringify(facts)}`);
    expect(facts.policy).not.toBe('SCHED_FIFO');
    expect(facts.policyUnchanged).toMatch(/CAP_SYS_NICE/);
  });
});
