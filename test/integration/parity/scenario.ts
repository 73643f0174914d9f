// The parity scenario: one prometheus.yml both scrapers accept, the test exporter's families, and the churn applied to them.
import type { ControlCommand, ExportedFamily } from './exporter-client.ts';

export interface ScenarioPorts {
  nodeExporter: number;
  exporter: number;
  /** A port nothing listens on. */
  dead: number;
}

/**
 * Scrape interval and timeout of every job but hang and many, seconds. Roomy, because the gateway runs scrapes, the
 * stream and queries on one event loop: on a busy machine a 1 s timeout fails scrapes whose responses were on time.
 */
export const INTERVAL_S = 2;
/** scrape_timeout of the job whose target never finishes its response. */
export const HANG_TIMEOUT_S = 0.5;
/** Delay of the slow job's responses, ms. */
export const SLOW_MS = 300;

/** Series on job many's page of one-label gauges (compared through the APIs, not sample by sample). */
export const MANY_SERIES = 5_000;
/** Scrape interval and timeout of job many, seconds. */
export const MANY_INTERVAL_S = 3;

/** Series on the page a second, otherwise idle gateway scrapes to time its scrape_duration_seconds. */
export const SOLO_SERIES = 30_000;
/** That page's URL, as the test fetches it and as scrapers build it from `params` (sorted by name, like Go's url.Values). */
export const SOLO_PATH = `/many?gzip=0&series=${SOLO_SERIES}`;

/** Jobs served by the test exporter whose pages churn. */
export const EXPORTER_JOBS = ['churn', 'churn_text', 'redirect', 'slow'] as const;

/**
 * The config both scrapers load. Only fields Prometheus 2.42 knows (no scrape_protocols, no
 * fallback_scrape_protocol, no extra_scrape_metrics), so one file serves both.
 */
export function scenarioConfig(p: ScenarioPorts): string {
  return `global:
  scrape_interval: ${INTERVAL_S}s
  scrape_timeout: ${INTERVAL_S}s
  external_labels:
    replica: parity
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${p.nodeExporter}']
        labels:
          __tmp_team: infra
          __tmp_tier: '1'
      - targets: ['127.0.0.1:${p.dead}']
        labels:
          __tmp_drop: 'yes'
    relabel_configs:
      - source_labels: [__tmp_drop]
        regex: 'yes'
        action: drop
      - source_labels: [__address__]
        regex: '127\\.0\\.0\\.1:(\\d+)'
        target_label: port
        replacement: 'p\${1}'
      - regex: '__tmp_(.+)'
        action: labelmap
        replacement: 'meta_\${1}'
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: 'go_memstats_.*|node_cpu_guest_seconds_total'
        action: drop
      - regex: 'goversion|version'
        action: labeldrop
  - job_name: churn
    honor_labels: true
    params:
      module: [web]
    static_configs:
      - targets: ['127.0.0.1:${p.exporter}']
        labels:
          env: test
    relabel_configs:
      - source_labels: [__param_module]
        target_label: module
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: 'churn_ignored_.*'
        action: drop
      - regex: 'build_id'
        action: labeldrop
  - job_name: churn_text
    params:
      format: [text]
    static_configs:
      - targets: ['127.0.0.1:${p.exporter}']
    metric_relabel_configs:
      - regex: 'build_id'
        action: labeldrop
  - job_name: redirect
    metrics_path: /redirect/metrics
    static_configs:
      - targets: ['127.0.0.1:${p.exporter}']
  - job_name: slow
    params:
      delay_ms: ['${SLOW_MS}']
    static_configs:
      - targets: ['127.0.0.1:${p.exporter}']
  - job_name: hang
    metrics_path: /hang
    scrape_timeout: ${HANG_TIMEOUT_S * 1000}ms
    static_configs:
      - targets: ['127.0.0.1:${p.exporter}']
  - job_name: dead
    static_configs:
      - targets: ['127.0.0.1:${p.dead}']
  - job_name: many
    metrics_path: /many
    params:
      series: ['${MANY_SERIES}']
      gzip: ['0']
    scrape_interval: ${MANY_INTERVAL_S}s
    scrape_timeout: ${MANY_INTERVAL_S}s
    static_configs:
      - targets: ['127.0.0.1:${p.exporter}']
`;
}

/** The exporter's families at the start; `pushedAtMs` is the explicit timestamp of the one pushed-style series. */
export function initialFamilies(pushedAtMs: number): ExportedFamily[] {
  const requests = (path: string, code: string, v: number): ExportedFamily['samples'] => [
    { name: 'churn_requests_total', labels: { path, code }, value: v },
    { name: 'churn_requests_created', labels: { path, code }, value: 1_700_000_000.5 },
  ];
  return [
    {
      name: 'churn_requests',
      type: 'counter',
      help: 'Requests by path and code.',
      samples: [...requests('/a', '200', 10), ...requests('/b', '200', 20), ...requests('/b', '500', 3)],
    },
    {
      name: 'churn_temperature_celsius',
      type: 'gauge',
      unit: 'celsius',
      help: 'Room temperature with "quotes" and a \\ backslash.',
      samples: [
        { name: 'churn_temperature_celsius', labels: { room: 'a' }, value: 21.5 },
        { name: 'churn_temperature_celsius', labels: { room: 'b "east"\\wing\nnorth', floor: '' }, value: -3 },
      ],
    },
    {
      name: 'churn_latency_seconds',
      type: 'histogram',
      help: 'Latency.',
      samples: [
        { name: 'churn_latency_seconds_bucket', labels: { op: 'read', le: '0.1' }, value: 4 },
        { name: 'churn_latency_seconds_bucket', labels: { op: 'read', le: '1.0' }, value: 9 },
        { name: 'churn_latency_seconds_bucket', labels: { op: 'read', le: '+Inf' }, value: 10 },
        { name: 'churn_latency_seconds_sum', labels: { op: 'read' }, value: 3.25 },
        { name: 'churn_latency_seconds_count', labels: { op: 'read' }, value: 10 },
        { name: 'churn_latency_seconds_created', labels: { op: 'read' }, value: 1_700_000_000 },
      ],
    },
    {
      name: 'churn_rpc_seconds',
      type: 'summary',
      help: 'RPC durations.',
      samples: [
        { name: 'churn_rpc_seconds', labels: { quantile: '0.5' }, value: 0.02 },
        { name: 'churn_rpc_seconds', labels: { quantile: '0.99' }, value: 0.3 },
        { name: 'churn_rpc_seconds_sum', labels: {}, value: 12.5 },
        { name: 'churn_rpc_seconds_count', labels: {}, value: 400 },
      ],
    },
    {
      name: 'churn_build',
      type: 'info',
      help: 'Build information.',
      samples: [{ name: 'churn_build_info', labels: { version: '1.2.3', build_id: 'abc123' }, value: 1 }],
    },
    {
      name: 'churn_feature',
      type: 'stateset',
      help: 'Feature flags.',
      samples: [
        { name: 'churn_feature', labels: { churn_feature: 'alpha' }, value: 1 },
        { name: 'churn_feature', labels: { churn_feature: 'beta' }, value: 0 },
      ],
    },
    {
      name: 'churn_ignored',
      type: 'counter',
      help: 'Dropped by metric_relabel_configs in job churn.',
      samples: [{ name: 'churn_ignored_total', labels: {}, value: 1 }],
    },
    {
      name: 'churn_conflict',
      type: 'gauge',
      help: 'Carries job and instance labels of its own.',
      samples: [
        { name: 'churn_conflict', labels: { job: 'from-exporter', instance: 'exporter-host', kind: 'plain' }, value: 1 },
        { name: 'churn_conflict', labels: { job: 'from-exporter', exported_job: 'already', kind: 'double' }, value: 2 },
      ],
    },
    {
      name: 'churn_special',
      type: 'gauge',
      help: 'Non-finite and extreme values, UTF-8 label values.',
      samples: [
        { name: 'churn_special', labels: { kind: 'nan' }, value: NaN },
        { name: 'churn_special', labels: { kind: 'inf' }, value: Infinity },
        { name: 'churn_special', labels: { kind: 'neg-inf' }, value: -Infinity },
        { name: 'churn_special', labels: { kind: 'tiny', where: 'café ☕ – zürich' }, value: 1e-7 },
        { name: 'churn_special', labels: { kind: 'huge' }, value: 1.5e300 },
      ],
    },
    {
      name: 'churn_dup',
      type: 'gauge',
      help: 'The same series twice in one exposition (the first sample wins).',
      samples: [
        { name: 'churn_dup', labels: { k: 'v' }, value: 1 },
        { name: 'churn_dup', labels: { k: 'v' }, value: 2 },
      ],
    },
    {
      name: 'churn_pushed',
      type: 'gauge',
      help: 'A sample with an explicit timestamp (no stale marker when it goes).',
      samples: [{ name: 'churn_pushed', labels: { source: 'batch' }, value: 7, timestampMs: pushedAtMs }],
    },
  ];
}

/** The churn, applied at once: series and a whole family vanish, one value changes. */
export const CHURN: ControlCommand[] = [
  { op: 'remove', name: 'churn_requests_total', labels: { path: '/b' } },
  { op: 'remove', name: 'churn_requests_created', labels: { path: '/b' } },
  { op: 'remove', name: 'churn_temperature_celsius', labels: { room: 'b "east"\\wing\nnorth' } },
  { op: 'remove', name: 'churn_rpc_seconds' },
  { op: 'remove', name: 'churn_pushed' },
  {
    op: 'put',
    family: { name: 'churn_temperature_celsius', type: 'gauge', unit: 'celsius', help: 'Room temperature with "quotes" and a \\ backslash.' },
    samples: [{ name: 'churn_temperature_celsius', labels: { room: 'a' }, value: 23.25 }],
  },
];

/** Metric names whose series the churn removes (the explicit-timestamp one is not among them: it never goes stale). */
export const VANISHING = {
  names: ['churn_rpc_seconds', 'churn_rpc_seconds_sum', 'churn_rpc_seconds_count'],
  /** Series of these names with these labels vanish too. */
  partial: [
    { name: 'churn_requests_total', labels: { path: '/b' } },
    { name: 'churn_requests_created', labels: { path: '/b' } },
    { name: 'churn_temperature_celsius', labels: { room: 'b "east"\\wing\nnorth' } },
  ],
} as const;

/** The second gateway's config: one job, the big page of one-label gauges, nothing else to do. */
export function soloConfig(exporterPort: number): string {
  return `global:
  scrape_interval: ${INTERVAL_S}s
  scrape_timeout: ${INTERVAL_S}s
scrape_configs:
  - job_name: solo
    metrics_path: /many
    params:
      series: ['${SOLO_SERIES}']
      gzip: ['0']
    static_configs:
      - targets: ['127.0.0.1:${exporterPort}']
`;
}
