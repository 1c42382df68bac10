/** Prometheus metrics of the OIP server (prom-client, a registry of its own per server). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HostedModel } from './app.ts';

export interface ServerMetrics {
  registry: Registry;
  requestSeconds: Histogram<'model' | 'code'>;
  queueSeconds: Histogram<'model'>;
  computeSeconds: Histogram<'model'>;
  inFlight: Gauge;
  queueDepth: Gauge;
  rejected: Counter<'reason'>;
  cacheHits: Counter<'model'>;
  cacheMisses: Counter<'model'>;
  cacheEvictions: Counter<'model'>;
  instanceBusySeconds: Gauge<'model' | 'instance'>;
  instanceInFlight: Gauge<'model' | 'instance'>;
  instanceQueueDepth: Gauge<'model' | 'instance'>;
  instanceRestarts: Gauge<'model' | 'instance'>;
  modelQueueDepth: Gauge<'model'>;
}

// Latency buckets from 100 µs to 10 s: scoring requests span that range across presets.
const BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ugbench_' }); // ugbench_process_resident_memory_bytes, ..., ugbench_nodejs_*
  const registers = [registry];
  return {
    registry,
    requestSeconds: new Histogram({ name: 'ugbench_request_duration_seconds', help: 'infer request latency, arrival to response', labelNames: ['model', 'code'], buckets: BUCKETS_S, registers }),
    queueSeconds: new Histogram({ name: 'ugbench_queue_duration_seconds', help: 'time waiting for a compute slot', labelNames: ['model'], buckets: BUCKETS_S, registers }),
    computeSeconds: new Histogram({ name: 'ugbench_compute_duration_seconds', help: 'model compute time', labelNames: ['model'], buckets: BUCKETS_S, registers }),
    inFlight: new Gauge({ name: 'ugbench_in_flight_requests', help: 'requests computing now', registers }),
    queueDepth: new Gauge({ name: 'ugbench_queue_depth', help: 'requests waiting for a compute slot', registers }),
    rejected: new Counter({ name: 'ugbench_rejected_requests_total', help: 'requests rejected, by reason', labelNames: ['reason'], registers }),
    cacheHits: new Counter({ name: 'ugbench_user_cache_hits_total', help: 'user-state cache hits', labelNames: ['model'], registers }),
    cacheMisses: new Counter({ name: 'ugbench_user_cache_misses_total', help: 'user-state cache misses', labelNames: ['model'], registers }),
    cacheEvictions: new Counter({ name: 'ugbench_user_cache_evictions_total', help: 'user-state cache evictions', labelNames: ['model'], registers }),
    instanceBusySeconds: new Gauge({ name: 'ugbench_instance_busy_seconds', help: 'summed service time of the requests a model instance completed', labelNames: ['model', 'instance'], registers }),
    instanceInFlight: new Gauge({ name: 'ugbench_instance_in_flight_requests', help: 'requests a model instance is computing now', labelNames: ['model', 'instance'], registers }),
    instanceQueueDepth: new Gauge({ name: 'ugbench_instance_queue_depth', help: 'requests waiting for this instance in particular (cache hits on the states it holds)', labelNames: ['model', 'instance'], registers }),
    instanceRestarts: new Gauge({ name: 'ugbench_instance_restarts', help: 'times the worker of a model instance died and was replaced', labelNames: ['model', 'instance'], registers }),
    modelQueueDepth: new Gauge({ name: 'ugbench_model_queue_depth', help: 'requests admitted or waiting for admission and not yet computing, per model', labelNames: ['model'], registers }),
  };
}

/** Per-instance gauges, read from the models' pools at scrape time. */
export function observeInstances(metrics: ServerMetrics, models: readonly HostedModel[], admissionQueued: (model: string) => number): void {
  for (const model of models) {
    metrics.modelQueueDepth.set({ model: model.name }, admissionQueued(model.name) + (model.queued?.() ?? 0));
    for (const s of model.instances?.() ?? []) {
      const labels = { model: model.name, instance: String(s.slot) };
      metrics.instanceBusySeconds.set(labels, s.busyUs / 1e6);
      metrics.instanceInFlight.set(labels, s.inFlight);
      metrics.instanceQueueDepth.set(labels, s.pinnedQueued);
      metrics.instanceRestarts.set(labels, s.restarts);
    }
  }
}
