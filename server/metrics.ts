/** Prometheus metrics of the OIP server (prom-client, a registry of its own per server). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  requestSeconds: Histogram<'model' | 'code'>;
  queueSeconds: Histogram<'model'>;
  computeSeconds: Histogram<'model'>;
  inFlight: Gauge<string>;
  queueDepth: Gauge<string>;
  rejected: Counter<'reason'>;
  cacheHits: Counter<'model'>;
  cacheMisses: Counter<'model'>;
  cacheEvictions: Counter<'model'>;
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
  };
}
