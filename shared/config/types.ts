// The typed, fully defaulted shape of a loaded prometheus.yml. Durations are milliseconds, sizes bytes.

import type { Labels, ValidationScheme } from './labels.ts';
import type { RelabelConfig } from './relabel.ts';

export const SCRAPE_PROTOCOLS = ['PrometheusProto', 'OpenMetricsText0.0.1', 'OpenMetricsText1.0.0', 'PrometheusText0.0.4', 'PrometheusText1.0.0'] as const;
export type ScrapeProtocol = (typeof SCRAPE_PROTOCOLS)[number];

/** Prometheus's negotiation order when scrape_protocols is unset and native histograms are off. */
export const DEFAULT_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];
/** The order when scrape_native_histograms is on: protobuf first. */
export const PROTO_FIRST_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['PrometheusProto', ...DEFAULT_SCRAPE_PROTOCOLS];

export const ESCAPING_SCHEMES = ['allow-utf-8', 'underscores', 'dots', 'values'] as const;
export type EscapingScheme = (typeof ESCAPING_SCHEMES)[number];

export const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;
export type TLSVersion = (typeof TLS_VERSIONS)[number];

/** Where something was defined, for runtime errors that should point back into the config. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** `basic_auth`. `*_file` fields are paths (resolved against the config's directory) that the runtime reads. */
export interface BasicAuth {
  username: string;
  usernameFile?: string;
  password?: string;
  passwordFile?: string;
}

/** `authorization`; the legacy `bearer_token`/`bearer_token_file` load into this with type Bearer. */
export interface Authorization {
  type: string;
  credentials?: string;
  credentialsFile?: string;
}

export interface TLSConfig {
  ca?: string;
  caFile?: string;
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  minVersion?: TLSVersion;
  maxVersion?: TLSVersion;
}

/** One `http_headers` entry. */
export interface HttpHeader {
  values: string[];
  secrets: string[];
  files: string[];
}

/** The `<http_config>` fields Sightline supports (proxies and oauth2 load with a warning and are dropped). */
export interface HttpClientConfig {
  basicAuth?: BasicAuth;
  authorization?: Authorization;
  tlsConfig: TLSConfig;
  followRedirects: boolean;
  enableHttp2: boolean;
  httpHeaders: Record<string, HttpHeader>;
}

/** A target group as discovery produces it: each target is a label set holding at least `__address__`. */
export interface TargetGroup {
  targets: Labels[];
  labels: Labels;
  /** Identifies the group within its discovery source (static config index, `file:index`, `url:index`). */
  source: string;
}

export interface FileSDConfig {
  /** Path patterns (`*` allowed in the last segment), resolved against the config's directory. */
  files: string[];
  refreshIntervalMs: number;
}

export interface HttpSDConfig {
  url: string;
  refreshIntervalMs: number;
  http: HttpClientConfig;
}

/** The discovery mechanisms Sightline runs; other `*_sd_configs` are reported as warnings and ignored. */
export interface ServiceDiscovery {
  staticConfigs: TargetGroup[];
  fileSDConfigs: FileSDConfig[];
  httpSDConfigs: HttpSDConfig[];
}

export interface ScrapeConfig extends ServiceDiscovery {
  jobName: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  scrapeProtocols: ScrapeProtocol[];
  fallbackScrapeProtocol?: ScrapeProtocol;
  metricsPath: string;
  scheme: 'http' | 'https';
  params: Record<string, string[]>;
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  enableCompression: boolean;
  http: HttpClientConfig;
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  /** 0 means unlimited for every limit. */
  bodySizeLimitBytes: number;
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  targetLimit: number;
  keepDroppedTargets: number;
  nativeHistogramBucketLimit: number;
  nativeHistogramMinBucketFactor: number;
  metricNameValidationScheme: ValidationScheme;
  metricNameEscapingScheme: EscapingScheme;
  scrapeNativeHistograms: boolean;
  convertClassicHistogramsToNhcb: boolean;
  alwaysScrapeClassicHistograms: boolean;
  extraScrapeMetrics: boolean;
  position: SourcePosition;
}

export interface GlobalConfig {
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  evaluationIntervalMs: number;
  ruleQueryOffsetMs: number;
  /** Explicit global scrape_protocols, or undefined when each job picks its default. */
  scrapeProtocols?: ScrapeProtocol[];
  /** After `$VAR`/`${VAR}` expansion, like Prometheus 3. */
  externalLabels: Labels;
  bodySizeLimitBytes: number;
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  targetLimit: number;
  keepDroppedTargets: number;
  metricNameValidationScheme: ValidationScheme;
  metricNameEscapingScheme?: EscapingScheme;
  scrapeNativeHistograms: boolean;
  convertClassicHistogramsToNhcb: boolean;
  alwaysScrapeClassicHistograms: boolean;
  extraScrapeMetrics: boolean;
}

export interface AlertmanagerConfig extends ServiceDiscovery {
  scheme: 'http' | 'https';
  pathPrefix: string;
  timeoutMs: number;
  apiVersion: 'v2';
  http: HttpClientConfig;
  relabelConfigs: RelabelConfig[];
  alertRelabelConfigs: RelabelConfig[];
  position: SourcePosition;
}

export interface AlertingConfig {
  alertRelabelConfigs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

/** A loaded prometheus.yml. Relative paths are already joined with the config file's directory, as Prometheus does. */
export interface ScrapeConfigFile {
  /** The file name given to loadConfig. */
  file: string;
  global: GlobalConfig;
  /** Rule file globs. */
  ruleFiles: string[];
  /** Globs of extra files holding `scrape_configs:`; load each with loadScrapeConfigFile. */
  scrapeConfigFiles: string[];
  scrapeConfigs: ScrapeConfig[];
  alerting: AlertingConfig;
}
