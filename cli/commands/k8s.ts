/**
 * `ugbench k8s <scenario> --shards n --image IMAGE [--out DIR]`: writes the manifests that run a
 * scenario as n load generators on Kubernetes (an Indexed Job, completion index = shard index),
 * merge their results (a merge Job) and fetch them (a pod for kubectl cp). Nothing is applied:
 * the user reviews and `kubectl apply`s them (docs/kubernetes.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Register } from '../main.ts';
import { integerOption } from '../options.ts';
import { InputError } from '../../harness/errors.ts';
import { loadScenarioFile } from '../../harness/scenario/load.ts';
import { MAX_SHARDS } from '../../harness/loadgen/traffic/shard.ts';
import { shardScenario } from '../../harness/loadgen/traffic/shard-scenario.ts';
import { refuseOnnxVariants } from '../bench/resolve.ts';
import { buildManifests } from '../k8s/manifests.ts';

interface K8sFlags {
  shards: number;
  image: string;
  out?: string;
  name?: string;
  namespace?: string;
  cpu: string;
  memory: string;
  storage: string;
  storageClass?: string;
  command: string;
}

/** Setup (weights, samples) and scheduling slack the merge Job allows beyond the planned run time. */
const MERGE_SLACK_S = 900;

export const registerK8s: Register = (program) => {
  program
    .command('k8s')
    .description('write Kubernetes manifests: n sharded load generators as an Indexed Job, the scenario in a ConfigMap, a results volume, a merge Job')
    .argument('<scenario>', 'scenario YAML file')
    .requiredOption('--shards <n>', 'load generators (completions = parallelism = n)', integerOption(1))
    .requiredOption('--image <image>', 'container image with ugbench on PATH: build it from the repository Dockerfile (docs/kubernetes.md)')
    .option('--out <dir>', 'directory for the manifests (default k8s-<name>)')
    .option('--name <name>', 'object name prefix (default ugbench-<scenario name>)')
    .option('--namespace <ns>', 'namespace for every object')
    .option('--cpu <cpu>', 'CPU request per generator pod', '2')
    .option('--memory <mem>', 'memory request and limit per generator pod', '4Gi')
    .option('--storage <size>', 'size of the shared results volume', '1Gi')
    .option('--storage-class <class>', 'storage class of the results volume (must offer ReadWriteMany)')
    .option('--command <cmd>', 'how the image runs ugbench, space-separated', 'ugbench')
    .action((path: string, flags: K8sFlags) => {
      const scenario = loadScenarioFile(path);
      refuseOnnxVariants(scenario, 'ugbench k8s'); // the pods would not have the model files
      if (flags.shards > MAX_SHARDS) throw new InputError('--shards', [`expected 1..${MAX_SHARDS}, got ${flags.shards}`]);
      for (let index = 0; index < flags.shards; index++) shardScenario(scenario, { index, count: flags.shards }); // refuses e.g. too few closed-loop clients
      const name = flags.name ?? dnsName(`ugbench-${scenario.name}`);
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 50) {
        throw new InputError('--name', [`expected a DNS-1123 label of at most 50 characters (lower case, digits, -), got ${JSON.stringify(name)}`]);
      }
      const runs = scenario.variants.length * scenario.runtimes.length;
      const manifests = buildManifests({
        name,
        image: flags.image,
        shards: flags.shards,
        scenarioYaml: stringify(scenario),
        command: flags.command.split(/\s+/).filter(Boolean),
        cpu: flags.cpu,
        memory: flags.memory,
        storage: flags.storage,
        storageClass: flags.storageClass,
        namespace: flags.namespace,
        mergeWaitS: runs * (scenario.run.warmupS + scenario.run.durationS) + MERGE_SLACK_S,
      });
      const out = flags.out ?? `k8s-${name}`;
      mkdirSync(out, { recursive: true });
      const docs = (objects: { toJSON(): unknown }[]) => objects.map((o) => stringify(o.toJSON(), { lineWidth: 0 })).join('---\n'); // lineWidth 0: scripts stay as written
      const written = [
        ['10-shards.yaml', docs(manifests.shards)],
        ['20-merge-job.yaml', docs([manifests.merge])],
        ['30-fetch-pod.yaml', docs([manifests.fetch])],
      ].map(([file, text]) => {
        writeFileSync(join(out, file!), text!);
        return join(out, file!);
      });
      const ns = flags.namespace ? ` -n ${flags.namespace}` : '';
      process.stdout.write(
        [
          `wrote ${written.join(' ')}`,
          `run:   kubectl${ns} apply -f ${written[0]} -f ${written[1]}`,
          `watch: kubectl${ns} get pods -l app.kubernetes.io/instance=${name}`,
          `wait:  kubectl${ns} wait --for=condition=complete --timeout=2h job/${name}-merge; kubectl${ns} logs job/${name}-merge`,
          `fetch: kubectl${ns} apply -f ${written[2]}; kubectl${ns} wait --for=condition=Ready pod/${name}-fetch; kubectl${ns} cp ${name}-fetch:/results ./results-${name}`,
          `clean: kubectl${ns} delete -f ${written[2]} -f ${written[1]} -f ${written[0]}`,
          '',
        ].join('\n'),
      );
    });
};

function dnsName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
}
