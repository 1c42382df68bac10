import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenarioText } from '../harness/scenario/load.ts';
import { runCli } from './cli/run-cli.ts';

/** Every document through its kubernetes-models class: validate() checks it against the Kubernetes OpenAPI schema. */
function typed(doc: Record<string, unknown>): ConfigMap | PersistentVolumeClaim | Job | Pod {
  const make = { ConfigMap: (d: never) => new ConfigMap(d), PersistentVolumeClaim: (d: never) => new PersistentVolumeClaim(d), Job: (d: never) => new Job(d), Pod: (d: never) => new Pod(d) }[doc.kind as string];
  if (!make) throw new Error(`unexpected kind ${String(doc.kind)}`);
  const object = make(doc as never);
  object.validate();
  return object;
}

describe('ugbench k8s', () => {
  const out = mkdtempSync(join(tmpdir(), 'ugbench-k8s-'));
  const r = runCli(['k8s', 'scenarios/feed.yaml', '--shards', '4', '--image', 'registry.example/ugbench:1', '--out', out, '--namespace', 'load']);
  const read = (file: string) => parseAllDocuments(readFileSync(join(out, file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

  it('writes manifests that validate against the Kubernetes API types', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const objects = ['10-shards.yaml', '20-merge-job.yaml', '30-fetch-pod.yaml'].flatMap(read).map(typed);
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job', 'Pod']);
    for (const o of objects) expect(o.metadata?.namespace).toBe('load');
  });

  it('runs the generators as an Indexed Job: completions = parallelism = shards, index = shard', () => {
    const job = typed(read('10-shards.yaml')[2]!) as Job;
    expect(job.spec?.completionMode).toBe('Indexed');
    expect(job.spec?.completions).toBe(4);
    expect(job.spec?.parallelism).toBe(4);
    const container = job.spec!.template.spec!.containers[0]!;
    expect(container.env).toContainEqual({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } });
    expect(container.command?.join(' ')).toContain('--shard "$JOB_COMPLETION_INDEX/4"');
    expect(container.resources?.requests).toEqual({ cpu: '2', memory: '4Gi' });
    expect(container.resources?.limits).toEqual({ memory: '4Gi' });
    expect(job.spec!.template.spec!.restartPolicy).toBe('Never');
    expect(job.spec!.template.spec!.volumes?.map((v) => v.name)).toEqual(['scenario', 'results']);
  });

  it('carries the scenario in the ConfigMap, results on a ReadWriteMany volume, and a merge Job over every shard', () => {
    const [configMap, pvc] = read('10-shards.yaml').map(typed) as [ConfigMap, PersistentVolumeClaim];
    const shipped = parseScenarioText(configMap.data!['scenario.yaml']!, 'configmap');
    expect(shipped).toEqual(loadScenarioFile('scenarios/feed.yaml'));
    expect(pvc.spec?.accessModes).toEqual(['ReadWriteMany']);
    const merge = typed(read('20-merge-job.yaml')[0]!) as Job;
    const script = merge.spec!.template.spec!.containers[0]!.command!.join(' ');
    for (let i = 0; i < 4; i++) expect(script).toContain(`/results/shard-${i}/results.json`);
    expect(script).toContain('merge "$@" --out /results/merged');
  });

  it('the validation is real: a misspelled completion mode is rejected', () => {
    const doc = read('10-shards.yaml')[2]!;
    (doc.spec as Record<string, unknown>).completionMode = 'Indexd';
    expect(() => typed(doc)).toThrow(/completionMode must be equal to one of the allowed values/);
  });

  it('refuses a bad shard count (exit 104)', () => {
    const bad = runCli(['k8s', 'scenarios/feed.yaml', '--shards', '0', '--image', 'x', '--out', out]);
    expect(bad.status).toBe(104);
  });
});
