// The gateway's own metrics: process stats (from an injected provider), HTTP, scrapes, stream clients, head size.
import type { Head } from '../head/head.ts';
import { Registry, type LabelledMetric, type MetricSample } from './registry.ts';

/** Process statistics a runtime can report; each field is optional because Workers know almost none of them. */
export interface ProcessStats {
  cpuSecondsTotal?: number;
  residentMemoryBytes?: number;
  virtualMemoryBytes?: number;
  heapBytes?: number;
  /** V8 heap in use (Node); with the next two, what RSS is made of. */
  heapUsedBytes?: number;
  /** Memory of C++ objects bound to JS objects, ArrayBuffers included (Node's process.memoryUsage().external). */
  externalMemoryBytes?: number;
  /** The ArrayBuffer and Buffer part of the external memory. */
  arrayBuffersBytes?: number;
  startTimeSeconds?: number;
  openFds?: number;
  maxFds?: number;
}

export type ProcessStatsProvider = () => ProcessStats;

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  /** The runtime, e.g. "node v20.19.0" or "workerd"; Prometheus reports goVersion here. */
  runtime: string;
}

/** Handles to the counters the gateway updates, plus the registry that renders them. */
export interface SelfMetrics {
  registry: Registry;
  httpRequests: LabelledMetric;
  scrapes: LabelledMetric;
  scrapeFailures: LabelledMetric;
  scrapeSamples: LabelledMetric;
  streamClients: LabelledMetric;
  streamConnections: LabelledMetric;
  streamBytes: LabelledMetric;
  configReloadSuccessful: LabelledMetric;
  configReloadSuccessTime: LabelledMetric;
  sdRefreshFailures: LabelledMetric;
}

/** Registers every self-metric family. */
export function createSelfMetrics(head: Head, build: BuildInfo, processStats?: ProcessStatsProvider): SelfMetrics {
  const registry = new Registry();
  const processFamily = (name: string, help: string, type: 'counter' | 'gauge', pick: (s: ProcessStats) => number | undefined): void => {
    registry.collect(name, help, type, () => {
      const v = processStats ? pick(processStats()) : undefined;
      return v === undefined ? [] : [[{}, v]];
    });
  };
  processFamily('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', 'counter', (s) => s.cpuSecondsTotal);
  processFamily('process_resident_memory_bytes', 'Resident memory size in bytes.', 'gauge', (s) => s.residentMemoryBytes);
  processFamily('process_virtual_memory_bytes', 'Virtual memory size in bytes.', 'gauge', (s) => s.virtualMemoryBytes);
  processFamily('process_heap_bytes', 'Process heap size in bytes.', 'gauge', (s) => s.heapBytes);
  // prom-client's names for Node's memory breakdown, which Node dashboards already chart.
  processFamily('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', 'gauge', (s) => s.heapUsedBytes);
  processFamily('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', 'gauge', (s) => s.externalMemoryBytes);
  processFamily('nodejs_array_buffers_bytes', 'Memory allocated for ArrayBuffers and Buffers in bytes.', 'gauge', (s) => s.arrayBuffersBytes);
  processFamily('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', 'gauge', (s) => s.startTimeSeconds);
  processFamily('process_open_fds', 'Number of open file descriptors.', 'gauge', (s) => s.openFds);
  processFamily('process_max_fds', 'Maximum number of open file descriptors.', 'gauge', (s) => s.maxFds);

  registry.collect('sightline_build_info', 'A metric with a constant 1 value labelled by the build.', 'gauge', (): MetricSample[] => [
    [{ version: build.version, revision: build.revision, branch: build.branch, runtime: build.runtime }, 1],
  ]);
  const headFamily = (name: string, help: string, pick: (s: ReturnType<Head['stats']>) => number): void =>
    registry.collect(name, help, 'gauge', () => [[{}, pick(head.stats())]]);
  headFamily('sightline_head_series', 'Series currently held in the in-memory head.', (s) => s.series);
  headFamily('sightline_head_samples', 'Samples currently held in the in-memory head.', (s) => s.samples);
  headFamily('sightline_head_batches', 'Batches retained for stream replay.', (s) => s.batches);
  registry.collect('sightline_head_out_of_order_samples_total', 'Samples dropped because they were not newer than their series last sample.', 'counter', () => [
    [{}, head.stats().outOfOrder],
  ]);

  return {
    registry,
    httpRequests: registry.counter('sightline_http_requests_total', 'HTTP requests served, by route and status code.', ['handler', 'code']),
    scrapes: registry.counter('sightline_scrapes_total', 'Scrapes performed, by job.', ['job']),
    scrapeFailures: registry.counter('sightline_scrape_failures_total', 'Scrapes that failed (up = 0), by job.', ['job']),
    scrapeSamples: registry.counter('sightline_scrape_samples_total', 'Samples appended by scrapes, by job.', ['job']),
    streamClients: registry.gauge('sightline_stream_clients', 'Stream connections currently open.'),
    streamConnections: registry.counter('sightline_stream_connections_total', 'Stream connections accepted.'),
    streamBytes: registry.counter('sightline_stream_sent_bytes_total', 'Bytes sent to stream clients.'),
    configReloadSuccessful: registry.gauge('sightline_config_last_reload_successful', 'Whether the last configuration reload attempt was successful.'),
    configReloadSuccessTime: registry.gauge('sightline_config_last_reload_success_timestamp_seconds', 'Timestamp of the last successful configuration reload.'),
    sdRefreshFailures: registry.counter('sightline_sd_refresh_failures_total', 'Service discovery refreshes that failed, by mechanism.', ['mechanism']),
  };
}
