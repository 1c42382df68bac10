/**
 * Kubernetes manifests for a sharded run (issue 9): n load generators as one Indexed Job (the
 * completion index is the shard index), the scenario in a ConfigMap, shard results on a shared
 * ReadWriteMany volume, and a merge Job that waits for the n shard files and runs
 * `ugbench merge`. Built with kubernetes-models' typed classes and validated against the
 * Kubernetes OpenAPI schema before anything is written. Kubernetes runs the generators; ugbench
 * manages no cluster of its own.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';

export interface K8sOptions {
  /** DNS-1123 prefix of every object's name, e.g. ugbench-default */
  name: string;
  image: string;
  shards: number;
  /** the scenario file's YAML (effective scenario, overrides applied) */
  scenarioYaml: string;
  /** how the image runs ugbench, e.g. ['ugbench'] or ['node', '/app/bin/ugbench.mjs'] */
  command: string[];
  /** per generator pod */
  cpu: string;
  memory: string;
  /** shared results volume */
  storage: string;
  storageClass?: string;
  namespace?: string;
  /** the merge Job waits this long for the shard files, then merges what is there (missing shard -> INVALID) */
  mergeWaitS: number;
}

export const SCENARIO_DIR = '/scenario';
export const RESULTS_DIR = '/results';
/** bad input: retrying cannot help (harness/errors.ts ExitCode.invalidInput) */
const EXIT_INVALID_INPUT = 104;

export interface K8sManifests {
  /** ConfigMap, PVC and the Indexed Job of generators */
  shards: (ConfigMap | PersistentVolumeClaim | Job)[];
  merge: Job;
  /** a pod mounting the results volume, for `kubectl cp` */
  fetch: Pod;
}

/** Quote for sh -c. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function buildManifests(o: K8sOptions): K8sManifests {
  const labels = { 'app.kubernetes.io/name': 'ugbench', 'app.kubernetes.io/instance': o.name };
  const meta = (suffix: string) => ({ name: `${o.name}-${suffix}`, labels, ...(o.namespace ? { namespace: o.namespace } : {}) });
  const ugbench = o.command.map(q).join(' ');
  const resources = { requests: { cpu: o.cpu, memory: o.memory }, limits: { memory: o.memory } };
  const volumes = [
    { name: 'scenario', configMap: { name: `${o.name}-scenario` } },
    { name: 'results', persistentVolumeClaim: { claimName: `${o.name}-results` } },
  ];
  const mounts = [
    { name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true },
    { name: 'results', mountPath: RESULTS_DIR },
  ];

  // An invalid shard (98) still wrote its results: complete the index so the merge can say
  // INVALID with the reasons, rather than retrying a run that was judged, not broken.
  const shardScript = [
    `${ugbench} bench ${SCENARIO_DIR}/scenario.yaml --shard "$JOB_COMPLETION_INDEX/${o.shards}" --out "${RESULTS_DIR}/shard-$JOB_COMPLETION_INDEX" --no-progress --no-report --no-limits`,
    'code=$?',
    'if [ "$code" -eq 98 ]; then echo "shard $JOB_COMPLETION_INDEX: run INVALID (see its results.json); the merge will report it"; exit 0; fi',
    'exit "$code"',
  ].join('\n');
  const shardContainer: IContainer = {
    name: 'shard',
    image: o.image,
    command: ['sh', '-c', shardScript],
    // the Job controller sets this annotation on Indexed pods; the env var is spelled out so it
    // is there on every Kubernetes version that has Indexed Jobs
    env: [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }],
    resources,
    volumeMounts: mounts,
  };
  const configMap = new ConfigMap({ metadata: meta('scenario'), data: { 'scenario.yaml': o.scenarioYaml } });
  const pvc = new PersistentVolumeClaim({
    metadata: meta('results'),
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: o.storage } }, ...(o.storageClass ? { storageClassName: o.storageClass } : {}) },
  });
  const shardsJob = new Job({
    metadata: meta('shards'),
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards, // all generators at once: together they replay the plan's timing
      backoffLimit: 2 * o.shards,
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'shard', operator: 'In', values: [EXIT_INVALID_INPUT] } }] },
      template: { metadata: { labels: { ...labels, 'app.kubernetes.io/component': 'shard' } }, spec: { restartPolicy: 'Never', containers: [shardContainer], volumes } },
    },
  });

  const files = Array.from({ length: o.shards }, (_, i) => `${RESULTS_DIR}/shard-${i}/results.json`);
  const mergeScript = [
    `deadline=$(( $(date +%s) + ${Math.ceil(o.mergeWaitS)} ))`,
    `until [ "$(ls ${RESULTS_DIR}/shard-*/results.json 2>/dev/null | wc -l)" -ge ${o.shards} ] || [ "$(date +%s)" -ge "$deadline" ]; do sleep 10; done`,
    // a shard still missing here makes the merge INVALID (exit 98) and says which
    `set -- $(ls ${files.join(' ')} 2>/dev/null)`,
    `exec ${ugbench} merge "$@" --out ${RESULTS_DIR}/merged`,
  ].join('\n');
  const mergeJob = new Job({
    metadata: meta('merge'),
    spec: {
      backoffLimit: 0, // a refused or invalid merge is an answer, not a flake
      template: {
        metadata: { labels: { ...labels, 'app.kubernetes.io/component': 'merge' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'merge', image: o.image, command: ['sh', '-c', mergeScript], resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } }, volumeMounts: mounts }], volumes },
      },
    },
  });
  const fetch = new Pod({
    metadata: meta('fetch'),
    spec: { restartPolicy: 'Never', containers: [{ name: 'fetch', image: o.image, command: ['sleep', '3600'], volumeMounts: [mounts[1]!] }], volumes: [volumes[1]!] },
  });
  for (const object of [configMap, pvc, shardsJob, mergeJob, fetch]) object.validate();
  return { shards: [configMap, pvc, shardsJob], merge: mergeJob, fetch };
}
