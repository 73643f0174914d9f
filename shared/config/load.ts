// Loads prometheus.yml into a typed, fully defaulted config with Prometheus's validation and file:line:col errors.

import type { Node } from 'yaml';
import { YamlReader, type Field, type FieldSpec } from './yamlread.ts';
import { sortIssues, type ConfigIssue } from './issues.ts';
import { expandEnv } from './expand.ts';
import { formatDuration } from './duration.ts';
import { isValidLabelName, isValidUtf8, type Labels, type ValidationScheme } from './labels.ts';
import { dirname, joinDir } from './paths.ts';
import { HTTP_CLIENT_FIELDS, readHttpClientConfig } from './read-http.ts';
import { readRelabelConfigs } from './read-relabel.ts';
import { readServiceDiscovery, SD_FIELDS } from './read-sd.ts';
import {
  DEFAULT_SCRAPE_PROTOCOLS,
  ESCAPING_SCHEMES,
  PROTO_FIRST_SCRAPE_PROTOCOLS,
  SCRAPE_PROTOCOLS,
  type AlertingConfig,
  type AlertmanagerConfig,
  type EscapingScheme,
  type GlobalConfig,
  type ScrapeConfig,
  type ScrapeConfigFile,
  type ScrapeProtocol,
} from './types.ts';

export interface LoadOptions {
  /** Environment for `$VAR` expansion in external_labels (Prometheus 3 expands only there). */
  env?: Record<string, string | undefined>;
}

export interface LoadResult {
  /** Present exactly when there are no errors. */
  config?: ScrapeConfigFile;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

const TOP_FIELDS: FieldSpec = {
  global: 'known',
  rule_files: 'known',
  scrape_config_files: 'known',
  scrape_configs: 'known',
  alerting: 'known',
  runtime: 'unsupported',
  remote_write: 'unsupported',
  remote_read: 'unsupported',
  storage: 'unsupported',
  tracing: 'unsupported',
  otlp: 'unsupported',
};

const SCRAPE_LIMIT_FIELDS: FieldSpec = {
  body_size_limit: 'known',
  sample_limit: 'known',
  label_limit: 'known',
  label_name_length_limit: 'known',
  label_value_length_limit: 'known',
  target_limit: 'known',
  keep_dropped_targets: 'known',
  metric_name_validation_scheme: 'known',
  metric_name_escaping_scheme: 'known',
  scrape_native_histograms: 'known',
  convert_classic_histograms_to_nhcb: 'known',
  always_scrape_classic_histograms: 'known',
  extra_scrape_metrics: 'known',
  scrape_protocols: 'known',
  scrape_interval: 'known',
  scrape_timeout: 'known',
  scrape_failure_log_file: 'unsupported',
};

const GLOBAL_FIELDS: FieldSpec = {
  ...SCRAPE_LIMIT_FIELDS,
  evaluation_interval: 'known',
  rule_query_offset: 'known',
  external_labels: 'known',
  query_log_file: 'unsupported',
};

const SCRAPE_FIELDS: FieldSpec = {
  job_name: 'known',
  ...SCRAPE_LIMIT_FIELDS,
  fallback_scrape_protocol: 'known',
  metrics_path: 'known',
  honor_labels: 'known',
  honor_timestamps: 'known',
  track_timestamps_staleness: 'known',
  scheme: 'known',
  params: 'known',
  enable_compression: 'known',
  native_histogram_bucket_limit: 'known',
  native_histogram_min_bucket_factor: 'known',
  relabel_configs: 'known',
  metric_relabel_configs: 'known',
  ...HTTP_CLIENT_FIELDS,
  ...SD_FIELDS,
};

const ALERTING_FIELDS: FieldSpec = { alert_relabel_configs: 'known', alertmanagers: 'known' };

const ALERTMANAGER_FIELDS: FieldSpec = {
  timeout: 'known',
  api_version: 'known',
  path_prefix: 'known',
  scheme: 'known',
  sigv4: 'unsupported',
  relabel_configs: 'known',
  alert_relabel_configs: 'known',
  ...HTTP_CLIENT_FIELDS,
  ...SD_FIELDS,
};

const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
const DEFAULT_EVALUATION_INTERVAL_MS = 60_000;
const DEFAULT_ALERTMANAGER_TIMEOUT_MS = 10_000;
// Prometheus's patRulePath: a `*` may only appear in the last path segment.
const RULE_PATH = /^[^*]*(\*[^/]*)?$/;

/** Prometheus's global defaults, for configs without a `global` section. */
export function defaultGlobalConfig(): GlobalConfig {
  return {
    scrapeIntervalMs: DEFAULT_SCRAPE_INTERVAL_MS,
    scrapeTimeoutMs: DEFAULT_SCRAPE_TIMEOUT_MS,
    evaluationIntervalMs: DEFAULT_EVALUATION_INTERVAL_MS,
    ruleQueryOffsetMs: 0,
    externalLabels: {},
    bodySizeLimitBytes: 0,
    sampleLimit: 0,
    labelLimit: 0,
    labelNameLengthLimit: 0,
    labelValueLengthLimit: 0,
    targetLimit: 0,
    keepDroppedTargets: 0,
    metricNameValidationScheme: 'utf8',
    scrapeNativeHistograms: false,
    convertClassicHistogramsToNhcb: false,
    alwaysScrapeClassicHistograms: false,
    extraScrapeMetrics: false,
  };
}

interface Ctx {
  r: YamlReader;
  dir: string;
  env: Record<string, string | undefined>;
}

function readScrapeProtocols(r: YamlReader, f: Field | undefined, where: string): ScrapeProtocol[] | undefined {
  const list = r.strList(f);
  if (list === undefined || !f) return undefined;
  if (list.length === 0) {
    r.error(f.value, `scrape_protocols: scrape_protocols cannot be empty for ${where}`);
    return undefined;
  }
  const seen = new Set<string>();
  for (const p of list) {
    if (!(SCRAPE_PROTOCOLS as readonly string[]).includes(p)) {
      r.error(f.value, `scrape_protocols: unknown scrape protocol ${p}, supported: [${[...SCRAPE_PROTOCOLS].sort().join(' ')}] for ${where}`);
      return undefined;
    }
    if (seen.has(p.toLowerCase())) {
      r.error(f.value, `scrape_protocols: duplicated protocol in scrape_protocols, got [${list.join(' ')}] for ${where}`);
      return undefined;
    }
    seen.add(p.toLowerCase());
  }
  return list as ScrapeProtocol[];
}

function readValidationScheme(r: YamlReader, f: Field | undefined): ValidationScheme | undefined {
  const s = r.str(f);
  if (s === undefined || s === '') return undefined;
  if (s === 'utf8' || s === 'legacy') return s;
  r.error(f?.value, `metric_name_validation_scheme: unknown name validation method specified, must be either 'legacy' or 'utf8', got ${s}`);
  return undefined;
}

function readEscapingScheme(r: YamlReader, f: Field | undefined, validation: ValidationScheme): EscapingScheme | undefined {
  const s = r.str(f);
  if (s === undefined || s === '') return undefined;
  if (!(ESCAPING_SCHEMES as readonly string[]).includes(s)) {
    r.error(f?.value, `metric_name_escaping_scheme: unknown name escaping method specified, must be one of ('allow-utf-8', 'underscores', 'dots', 'values'), got ${s}`);
    return undefined;
  }
  if (s === 'allow-utf-8' && validation === 'legacy') {
    r.error(f?.value, "metric_name_escaping_scheme: cannot be set to 'allow-utf-8' while metric_name_validation_scheme is 'legacy'");
    return undefined;
  }
  return s as EscapingScheme;
}

function readGlobal(ctx: Ctx, field: Field | undefined): GlobalConfig {
  const { r } = ctx;
  const g = defaultGlobalConfig();
  const f = r.struct(field?.value ?? null, 'config.GlobalConfig', GLOBAL_FIELDS, 'global');
  if (!f) return g;
  const interval = r.duration(f.get('scrape_interval'));
  if (interval) g.scrapeIntervalMs = interval;
  const timeout = r.duration(f.get('scrape_timeout'));
  if (timeout && timeout > g.scrapeIntervalMs) {
    r.error(f.get('scrape_timeout')?.value, `scrape_timeout: global scrape timeout greater than scrape interval (${formatDuration(timeout)} > ${formatDuration(g.scrapeIntervalMs)})`);
  }
  g.scrapeTimeoutMs = timeout || Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, g.scrapeIntervalMs);
  g.evaluationIntervalMs = r.duration(f.get('evaluation_interval')) || DEFAULT_EVALUATION_INTERVAL_MS;
  g.ruleQueryOffsetMs = r.duration(f.get('rule_query_offset')) ?? 0;
  g.scrapeProtocols = readScrapeProtocols(r, f.get('scrape_protocols'), 'global config');
  g.bodySizeLimitBytes = r.size(f.get('body_size_limit')) ?? 0;
  g.sampleLimit = r.uint(f.get('sample_limit')) ?? 0;
  g.labelLimit = r.uint(f.get('label_limit')) ?? 0;
  g.labelNameLengthLimit = r.uint(f.get('label_name_length_limit')) ?? 0;
  g.labelValueLengthLimit = r.uint(f.get('label_value_length_limit')) ?? 0;
  g.targetLimit = r.uint(f.get('target_limit')) ?? 0;
  g.keepDroppedTargets = r.uint(f.get('keep_dropped_targets')) ?? 0;
  g.metricNameValidationScheme = readValidationScheme(r, f.get('metric_name_validation_scheme')) ?? 'utf8';
  g.metricNameEscapingScheme = readEscapingScheme(r, f.get('metric_name_escaping_scheme'), g.metricNameValidationScheme);
  g.scrapeNativeHistograms = r.bool(f.get('scrape_native_histograms')) ?? false;
  g.convertClassicHistogramsToNhcb = r.bool(f.get('convert_classic_histograms_to_nhcb')) ?? false;
  g.alwaysScrapeClassicHistograms = r.bool(f.get('always_scrape_classic_histograms')) ?? false;
  g.extraScrapeMetrics = r.bool(f.get('extra_scrape_metrics')) ?? false;
  g.externalLabels = readExternalLabels(ctx, f.get('external_labels'));
  return g;
}

function readExternalLabels(ctx: Ctx, field: Field | undefined): Labels {
  const { r, env } = ctx;
  const out: Labels = {};
  for (const [name, raw, keyNode, valueNode] of r.strMap(field)?.entries ?? []) {
    if (!isValidLabelName(name)) {
      r.error(keyNode, `external_labels: "${name}" is not a valid label name`);
      continue;
    }
    if (!isValidUtf8(raw)) {
      r.error(valueNode ?? keyNode, `external_labels: "${raw}" is not a valid label value`);
      continue;
    }
    const value = expandEnv(raw, (v) => {
      if (v === '$') return '$';
      const got = env[v];
      if (got) return got;
      r.warn(valueNode ?? keyNode, `external_labels: environment variable ${v} is empty or not set; ${name} uses ""`);
      return '';
    });
    // An external label that expands to "" is dropped, as Prometheus's label builder does.
    if (value !== '') out[name] = value;
  }
  return out;
}

function readPaths(r: YamlReader, field: Field | undefined, dir: string, kind: string): string[] {
  const list = r.strList(field) ?? [];
  const nodes = field && field.value !== null && 'items' in field.value ? (field.value.items as Node[]) : [];
  const out: string[] = [];
  list.forEach((p, i) => {
    if (!RULE_PATH.test(p)) r.error(nodes[i] ?? field?.value, `invalid ${kind} path "${p}" ("*" is only allowed in the last path segment)`);
    else out.push(joinDir(dir, p));
  });
  return out;
}

function readScheme(r: YamlReader, f: Field | undefined): 'http' | 'https' {
  const s = r.str(f);
  if (s === undefined || s === '') return 'http';
  if (s === 'http' || s === 'https') return s;
  r.error(f?.value, `scheme: must be "http" or "https", got "${s}"`);
  return 'http';
}

function readScrapeConfig(ctx: Ctx, node: Node, global: GlobalConfig): { cfg: ScrapeConfig; jobNode: Node } | null {
  const { r } = ctx;
  const f = r.struct(node, 'config.ScrapeConfig', SCRAPE_FIELDS);
  if (!f) return null;
  const before = r.errors.length;
  const jobField = f.get('job_name');
  const jobName = r.str(jobField) ?? '';
  if (jobName === '') r.error(jobField?.value ?? jobField?.key ?? node, 'job_name is empty (every scrape config needs a unique job_name)');
  const where = `scrape config with job name "${jobName}"`;

  const interval = r.duration(f.get('scrape_interval')) || global.scrapeIntervalMs;
  const explicitTimeout = r.duration(f.get('scrape_timeout'));
  if (explicitTimeout && explicitTimeout > interval) {
    r.error(
      f.get('scrape_timeout')?.value,
      `scrape_timeout: scrape timeout greater than scrape interval for ${where} (${formatDuration(explicitTimeout)} > ${formatDuration(interval)})`,
    );
  }
  const timeout = explicitTimeout || Math.min(global.scrapeTimeoutMs, interval);

  const validation = readValidationScheme(r, f.get('metric_name_validation_scheme')) ?? global.metricNameValidationScheme;
  const escaping = readEscapingScheme(r, f.get('metric_name_escaping_scheme'), validation) ?? global.metricNameEscapingScheme ?? (validation === 'legacy' ? 'underscores' : 'allow-utf-8');
  const nativeHistograms = r.bool(f.get('scrape_native_histograms')) ?? global.scrapeNativeHistograms;
  const protocols =
    readScrapeProtocols(r, f.get('scrape_protocols'), where) ??
    global.scrapeProtocols ??
    (nativeHistograms ? PROTO_FIRST_SCRAPE_PROTOCOLS : DEFAULT_SCRAPE_PROTOCOLS);
  const fallbackField = f.get('fallback_scrape_protocol');
  const fallback = r.str(fallbackField);
  if (fallback && !(SCRAPE_PROTOCOLS as readonly string[]).includes(fallback)) {
    r.error(fallbackField?.value, `fallback_scrape_protocol: invalid fallback_scrape_protocol for ${where}: unknown scrape protocol ${fallback}, supported: [${[...SCRAPE_PROTOCOLS].sort().join(' ')}]`);
  }

  const relabelConfigs = readRelabelConfigs(r, f.get('relabel_configs'), validation, 'empty or null target relabeling rule in scrape config');
  const metricRelabelConfigs = readRelabelConfigs(r, f.get('metric_relabel_configs'), validation, 'empty or null metric relabeling rule in scrape config');
  const relabelField = f.get('relabel_configs');
  const hasRelabeling = Boolean(relabelField && relabelField.value !== null && 'items' in relabelField.value && (relabelField.value.items as unknown[]).length > 0);
  const sd = readServiceDiscovery(r, f, ctx.dir, hasRelabeling);
  const http = readHttpClientConfig(r, f, node, ctx.dir);

  const limit = (name: string, fallbackValue: number): number => r.uint(f.get(name)) || fallbackValue;
  const cfg: ScrapeConfig = {
    jobName,
    scrapeIntervalMs: interval,
    scrapeTimeoutMs: timeout,
    scrapeProtocols: [...protocols],
    metricsPath: r.str(f.get('metrics_path')) || '/metrics',
    scheme: readScheme(r, f.get('scheme')),
    params: r.strListMap(f.get('params')) ?? {},
    honorLabels: r.bool(f.get('honor_labels')) ?? false,
    honorTimestamps: r.bool(f.get('honor_timestamps')) ?? true,
    trackTimestampsStaleness: r.bool(f.get('track_timestamps_staleness')) ?? false,
    enableCompression: r.bool(f.get('enable_compression')) ?? true,
    http,
    ...sd,
    relabelConfigs,
    metricRelabelConfigs,
    bodySizeLimitBytes: r.size(f.get('body_size_limit')) || global.bodySizeLimitBytes,
    sampleLimit: limit('sample_limit', global.sampleLimit),
    labelLimit: limit('label_limit', global.labelLimit),
    labelNameLengthLimit: limit('label_name_length_limit', global.labelNameLengthLimit),
    labelValueLengthLimit: limit('label_value_length_limit', global.labelValueLengthLimit),
    targetLimit: limit('target_limit', global.targetLimit),
    keepDroppedTargets: limit('keep_dropped_targets', global.keepDroppedTargets),
    nativeHistogramBucketLimit: r.uint(f.get('native_histogram_bucket_limit')) ?? 0,
    nativeHistogramMinBucketFactor: r.float(f.get('native_histogram_min_bucket_factor')) ?? 0,
    metricNameValidationScheme: validation,
    metricNameEscapingScheme: escaping,
    scrapeNativeHistograms: nativeHistograms,
    convertClassicHistogramsToNhcb: r.bool(f.get('convert_classic_histograms_to_nhcb')) ?? global.convertClassicHistogramsToNhcb,
    alwaysScrapeClassicHistograms: r.bool(f.get('always_scrape_classic_histograms')) ?? global.alwaysScrapeClassicHistograms,
    extraScrapeMetrics: r.bool(f.get('extra_scrape_metrics')) ?? global.extraScrapeMetrics,
    position: { file: r.file, ...r.position(node) },
  };
  if (fallback && (SCRAPE_PROTOCOLS as readonly string[]).includes(fallback)) cfg.fallbackScrapeProtocol = fallback as ScrapeProtocol;
  return r.errors.length > before ? null : { cfg, jobNode: jobField?.value ?? node };
}

function readScrapeConfigs(ctx: Ctx, field: Field | undefined, global: GlobalConfig, seen: Map<string, string>): ScrapeConfig[] {
  const { r } = ctx;
  const list = r.seq(field, 'a list of scrape configs');
  if (!list) return [];
  const out: ScrapeConfig[] = [];
  list.items.forEach((item, i) => {
    if (item === null) {
      r.error(list.nodes[i] ?? field?.value, 'empty or null scrape config section');
      return;
    }
    const read = readScrapeConfig(ctx, item, global);
    if (!read) return;
    const { cfg } = read;
    const first = seen.get(cfg.jobName);
    if (first !== undefined) {
      r.error(read.jobNode, `found multiple scrape configs with job name "${cfg.jobName}" (first defined at ${first})`);
      return;
    }
    seen.set(cfg.jobName, `${cfg.position.file}:${cfg.position.line}:${cfg.position.col}`);
    out.push(cfg);
  });
  return out;
}

function readAlertmanager(ctx: Ctx, node: Node, scheme: ValidationScheme): AlertmanagerConfig | null {
  const { r } = ctx;
  const f = r.struct(node, 'config.AlertmanagerConfig', ALERTMANAGER_FIELDS);
  if (!f) return null;
  const before = r.errors.length;
  const apiField = f.get('api_version');
  const api = r.str(apiField);
  if (api !== undefined && api !== 'v2') r.error(apiField?.value, `api_version: expected Alertmanager api version to be one of [v2] but got ${api}`);
  const relabelField = f.get('relabel_configs');
  const relabelConfigs = readRelabelConfigs(r, relabelField, scheme, 'empty or null Alertmanager target relabeling rule');
  const alertRelabelConfigs = readRelabelConfigs(r, f.get('alert_relabel_configs'), scheme, 'empty or null Alertmanager alert relabeling rule');
  const hasRelabeling = Boolean(relabelField && relabelField.value !== null && 'items' in relabelField.value && (relabelField.value.items as unknown[]).length > 0);
  const cfg: AlertmanagerConfig = {
    scheme: readScheme(r, f.get('scheme')),
    pathPrefix: r.str(f.get('path_prefix')) || '/',
    timeoutMs: r.duration(f.get('timeout')) || DEFAULT_ALERTMANAGER_TIMEOUT_MS,
    apiVersion: 'v2',
    http: readHttpClientConfig(r, f, node, ctx.dir),
    ...readServiceDiscovery(r, f, ctx.dir, hasRelabeling),
    relabelConfigs,
    alertRelabelConfigs,
    position: { file: r.file, ...r.position(node) },
  };
  return r.errors.length > before ? null : cfg;
}

function readAlerting(ctx: Ctx, field: Field | undefined, scheme: ValidationScheme): AlertingConfig {
  const { r } = ctx;
  const out: AlertingConfig = { alertRelabelConfigs: [], alertmanagers: [] };
  const f = r.struct(field?.value ?? null, 'config.AlertingConfig', ALERTING_FIELDS, 'alerting');
  if (!f) return out;
  out.alertRelabelConfigs = readRelabelConfigs(r, f.get('alert_relabel_configs'), scheme, 'empty or null alert relabeling rule');
  const list = r.seq(f.get('alertmanagers'), 'a list of alertmanager configs');
  list?.items.forEach((item, i) => {
    if (item === null) {
      r.error(list.nodes[i], 'empty or null alertmanager config section');
      return;
    }
    const am = readAlertmanager(ctx, item, scheme);
    if (am) out.alertmanagers.push(am);
  });
  return out;
}

function result(r: YamlReader, config: ScrapeConfigFile | undefined): LoadResult {
  const warnings = sortIssues(r.warnings);
  if (r.errors.length > 0) return { errors: sortIssues(r.errors), warnings };
  return { config, errors: [], warnings };
}

/**
 * Loads a prometheus.yml. `file` names the file in messages and anchors relative paths (rule_files,
 * file_sd files, `*_file` secrets), which are joined with its directory as Prometheus does.
 * Every problem is reported (not just the first); `config` is present only when there are no errors.
 */
export function loadConfig(text: string, file: string, opts: LoadOptions = {}): LoadResult {
  const r = new YamlReader(file, text);
  if (r.errors.length > 0) return result(r, undefined);
  const ctx: Ctx = { r, dir: dirname(file), env: opts.env ?? {} };
  const top = r.struct(r.root(), 'config.Config', TOP_FIELDS);
  if (!top) return result(r, undefined);
  const global = readGlobal(ctx, top.get('global'));
  const config: ScrapeConfigFile = {
    file,
    global,
    ruleFiles: readPaths(r, top.get('rule_files'), ctx.dir, 'rule file'),
    scrapeConfigFiles: readPaths(r, top.get('scrape_config_files'), ctx.dir, 'scrape config file'),
    scrapeConfigs: readScrapeConfigs(ctx, top.get('scrape_configs'), global, new Map()),
    alerting: readAlerting(ctx, top.get('alerting'), global.metricNameValidationScheme),
  };
  return result(r, config);
}

export interface ScrapeConfigFileResult {
  scrapeConfigs?: ScrapeConfig[];
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/**
 * Loads one file matched by `scrape_config_files` (a mapping with only `scrape_configs:`), applying the
 * main config's globals and rejecting job names already used by the main config or earlier files.
 */
export function loadScrapeConfigFile(text: string, file: string, main: ScrapeConfigFile, earlier: readonly ScrapeConfig[] = []): ScrapeConfigFileResult {
  const r = new YamlReader(file, text);
  if (r.errors.length > 0) return { errors: sortIssues(r.errors), warnings: sortIssues(r.warnings) };
  const ctx: Ctx = { r, dir: dirname(file), env: {} };
  const top = r.struct(r.root(), 'config.ScrapeConfigs', { scrape_configs: 'known' });
  const seen = new Map<string, string>();
  for (const sc of [...main.scrapeConfigs, ...earlier]) seen.set(sc.jobName, `${sc.position.file}:${sc.position.line}:${sc.position.col}`);
  const scrapeConfigs = top ? readScrapeConfigs(ctx, top.get('scrape_configs'), main.global, seen) : [];
  if (r.errors.length > 0) return { errors: sortIssues(r.errors), warnings: sortIssues(r.warnings) };
  return { scrapeConfigs, errors: [], warnings: sortIssues(r.warnings) };
}
