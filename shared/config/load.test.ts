// Tests for loadConfig: the guide's file, every field type, defaults, and errors at the right line:col.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadScrapeConfigFile } from './load.ts';
import { defaultConfig, defaultConfigText } from './defaults.ts';
import { formatIssue, type ConfigIssue } from './issues.ts';
import type { ScrapeConfigFile } from './types.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seedReadme = readFileSync(path.resolve(repoRoot, '../shared/seed/README.md'), 'utf8');

/** The yaml code block that follows a heading in the seed README. */
function seedBlock(heading: string): string {
  const start = seedReadme.indexOf(heading);
  if (start < 0) throw new Error(`heading not found: ${heading}`);
  const m = /```yaml\n([\s\S]*?)```/.exec(seedReadme.slice(start));
  if (!m) throw new Error(`no yaml block after ${heading}`);
  return m[1];
}

/** 1-based line and column of the nth occurrence of `needle` in `text`. */
function posOf(text: string, needle: string, nth = 1): { line: number; col: number } {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`needle not found: ${needle}`);
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

function ok(text: string, file = 'prometheus.yml', env?: Record<string, string>): ScrapeConfigFile {
  const res = loadConfig(text, file, { env });
  if (!res.config) throw new Error(res.errors.map(formatIssue).join('\n'));
  return res.config;
}

function errorsOf(text: string): ConfigIssue[] {
  const res = loadConfig(text, 'prometheus.yml');
  expect(res.config).toBeUndefined();
  return res.errors;
}

/** Asserts exactly one error, at the nth occurrence of `needle`, whose message contains `message`. */
function expectErrorAt(text: string, needle: string, message: string, nth = 1): void {
  const errors = errorsOf(text);
  expect(errors.map(formatIssue)).toEqual([expect.stringContaining(message)]);
  expect(errors[0]).toMatchObject({ file: 'prometheus.yml', ...posOf(text, needle, nth) });
}

describe('the guide (shared/seed)', () => {
  it('loads the guide prometheus.yml unchanged', () => {
    const text = seedBlock('## `prometheus.yml` from the guide');
    const res = loadConfig(text, 'prometheus.yml');
    expect(res.errors).toEqual([]);
    expect(res.warnings).toEqual([]);
    const cfg = res.config as ScrapeConfigFile;
    expect(cfg.global.scrapeIntervalMs).toBe(10_000);
    expect(cfg.global.scrapeTimeoutMs).toBe(10_000); // min(10s default, 10s interval)
    expect(cfg.global.evaluationIntervalMs).toBe(60_000);
    expect(cfg.scrapeConfigs.map((s) => [s.jobName, s.scrapeIntervalMs, s.staticConfigs[0].targets])).toEqual([
      ['prometheus', 10_000, [{ __address__: 'localhost:9090' }]],
      ['node_exporter', 10_000, [{ __address__: 'localhost:9100' }]],
    ]);
    expect(cfg.scrapeConfigs[1].position).toEqual({ file: 'prometheus.yml', ...posOf(text, "job_name: 'node_exporter'") });
  });

  it('loads the Django job with Prometheus defaults (redirects followed, /metrics)', () => {
    const sc = ok(seedBlock('## The Django job from the guide')).scrapeConfigs[0];
    expect(sc).toMatchObject({ jobName: 'django', metricsPath: '/metrics', scheme: 'http', scrapeIntervalMs: 60_000, scrapeTimeoutMs: 10_000 });
    expect(sc.http.followRedirects).toBe(true);
  });
});

describe('defaults', () => {
  it('fills Prometheus defaults for an empty file', () => {
    const cfg = ok('');
    expect(cfg.global).toMatchObject({ scrapeIntervalMs: 60_000, scrapeTimeoutMs: 10_000, evaluationIntervalMs: 60_000, externalLabels: {} });
    expect(cfg.scrapeConfigs).toEqual([]);
    expect(cfg.alerting).toEqual({ alertRelabelConfigs: [], alertmanagers: [] });
  });

  it('defaults a scrape config fully', () => {
    const sc = ok('scrape_configs:\n  - job_name: j\n').scrapeConfigs[0];
    expect(sc).toMatchObject({
      scrapeIntervalMs: 60_000,
      scrapeTimeoutMs: 10_000,
      metricsPath: '/metrics',
      scheme: 'http',
      honorLabels: false,
      honorTimestamps: true,
      trackTimestampsStaleness: false,
      enableCompression: true,
      sampleLimit: 0,
      labelLimit: 0,
      bodySizeLimitBytes: 0,
      targetLimit: 0,
      keepDroppedTargets: 0,
      metricNameValidationScheme: 'utf8',
      metricNameEscapingScheme: 'allow-utf-8',
      scrapeProtocols: ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'],
      http: { followRedirects: true, enableHttp2: true, tlsConfig: { insecureSkipVerify: false }, httpHeaders: {} },
      relabelConfigs: [],
      staticConfigs: [],
    });
    expect(sc.http.basicAuth).toBeUndefined();
    expect(sc.http.authorization).toBeUndefined();
  });

  it('defaults the timeout to min(global timeout, interval)', () => {
    const cfg = ok('global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_interval: 1m\n');
    expect(cfg.global.scrapeTimeoutMs).toBe(5_000);
    expect(cfg.scrapeConfigs.map((s) => [s.scrapeIntervalMs, s.scrapeTimeoutMs])).toEqual([
      [5_000, 5_000],
      [60_000, 5_000],
    ]);
  });

  it('inherits scrape limits and histogram settings from global', () => {
    const cfg = ok(`global:
  sample_limit: 100
  label_limit: 30
  label_name_length_limit: 200
  label_value_length_limit: 300
  target_limit: 5
  keep_dropped_targets: 7
  body_size_limit: 10MB
  scrape_native_histograms: true
  extra_scrape_metrics: true
scrape_configs:
  - job_name: a
  - job_name: b
    sample_limit: 9
`);
    const [a, b] = cfg.scrapeConfigs;
    expect(a).toMatchObject({ sampleLimit: 100, labelLimit: 30, labelNameLengthLimit: 200, labelValueLengthLimit: 300, targetLimit: 5, keepDroppedTargets: 7 });
    expect(a.bodySizeLimitBytes).toBe(10 * 2 ** 20);
    expect(a.scrapeNativeHistograms).toBe(true);
    expect(a.extraScrapeMetrics).toBe(true);
    expect(a.scrapeProtocols[0]).toBe('PrometheusProto'); // native histograms put protobuf first
    expect(b.sampleLimit).toBe(9);
  });

  it('provides an embedded default config scraping the gateway itself', () => {
    const cfg = defaultConfig(9090);
    expect(cfg.global.scrapeIntervalMs).toBe(5_000);
    expect(cfg.scrapeConfigs.map((s) => [s.jobName, s.staticConfigs[0].targets[0].__address__])).toEqual([['sightline', 'localhost:9090']]);
    expect(defaultConfigText(8080)).toContain("targets: ['localhost:8080']");
    expect(() => defaultConfig(0)).toThrow(RangeError);
  });
});

describe('every field type', () => {
  const full = `global:
  scrape_interval: 15s
  scrape_timeout: 5s
  evaluation_interval: 30s
  rule_query_offset: 1m
  scrape_protocols: [PrometheusText0.0.4, OpenMetricsText1.0.0]
  metric_name_validation_scheme: legacy
  external_labels:
    region: eu-1
    replica: '\${HOSTNAME}'
rule_files:
  - rules/*.yml
  - /etc/alerts.yml
scrape_config_files:
  - jobs/*.yml
scrape_configs:
  - job_name: node
    scrape_interval: 1h30m
    scrape_timeout: 500ms
    metrics_path: /probe
    scheme: https
    honor_labels: yes
    honor_timestamps: false
    track_timestamps_staleness: on
    enable_compression: false
    fallback_scrape_protocol: PrometheusText0.0.4
    params:
      module: [http_2xx, other]
    basic_auth:
      username: admin
      password_file: secrets/pass
    tls_config:
      ca_file: ca.pem
      server_name: example.org
      insecure_skip_verify: true
      min_version: TLS12
    follow_redirects: false
    enable_http2: false
    http_headers:
      X-Tenant:
        values: [a, b]
        secrets: [s]
    sample_limit: 1000
    label_limit: 64
    label_name_length_limit: 128
    label_value_length_limit: 512
    target_limit: 10
    keep_dropped_targets: 3
    body_size_limit: 1GB512MB
    native_histogram_bucket_limit: 160
    native_histogram_min_bucket_factor: 1.1
    convert_classic_histograms_to_nhcb: true
    always_scrape_classic_histograms: true
    static_configs:
      - targets: ['host1:9100', '[::1]:9100', host2]
        labels:
          env: prod
    file_sd_configs:
      - files: [sd/*.json, sd/extra.yml]
        refresh_interval: 1m
    http_sd_configs:
      - url: https://sd.example.org/targets
        authorization:
          credentials_file: token
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - action: hashmod
        source_labels: [__address__]
        modulus: 4
        target_label: __tmp_shard
    metric_relabel_configs:
      - action: labeldrop
        regex: tmp_.*
  - job_name: bearer
    bearer_token: s3cr3t
alerting:
  alert_relabel_configs:
    - action: labeldrop
      regex: replica
  alertmanagers:
    - scheme: https
      path_prefix: /am
      timeout: 5s
      api_version: v2
      static_configs:
        - targets: ['am:9093']
      alert_relabel_configs:
        - action: drop
          source_labels: [severity]
          regex: none
`;
  const cfg = ok(full, 'conf/prometheus.yml', { HOSTNAME: 'box-1' });

  it('reads global fields', () => {
    expect(cfg.global).toMatchObject({
      scrapeIntervalMs: 15_000,
      scrapeTimeoutMs: 5_000,
      evaluationIntervalMs: 30_000,
      ruleQueryOffsetMs: 60_000,
      scrapeProtocols: ['PrometheusText0.0.4', 'OpenMetricsText1.0.0'],
      metricNameValidationScheme: 'legacy',
      externalLabels: { region: 'eu-1', replica: 'box-1' },
    });
  });

  it('joins relative paths with the config directory', () => {
    expect(cfg.ruleFiles).toEqual(['conf/rules/*.yml', '/etc/alerts.yml']);
    expect(cfg.scrapeConfigFiles).toEqual(['conf/jobs/*.yml']);
    const sc = cfg.scrapeConfigs[0];
    expect(sc.http.basicAuth).toEqual({ username: 'admin', passwordFile: 'conf/secrets/pass' });
    expect(sc.http.tlsConfig).toEqual({ caFile: 'conf/ca.pem', serverName: 'example.org', insecureSkipVerify: true, minVersion: 'TLS12' });
    expect(sc.fileSDConfigs).toEqual([{ files: ['conf/sd/*.json', 'conf/sd/extra.yml'], refreshIntervalMs: 60_000 }]);
    expect(sc.httpSDConfigs[0].http.authorization).toEqual({ type: 'Bearer', credentialsFile: 'conf/token' });
  });

  it('reads scrape config fields of every type', () => {
    const sc = cfg.scrapeConfigs[0];
    expect(sc).toMatchObject({
      jobName: 'node',
      scrapeIntervalMs: 5_400_000,
      scrapeTimeoutMs: 500,
      metricsPath: '/probe',
      scheme: 'https',
      honorLabels: true,
      honorTimestamps: false,
      trackTimestampsStaleness: true,
      enableCompression: false,
      fallbackScrapeProtocol: 'PrometheusText0.0.4',
      scrapeProtocols: ['PrometheusText0.0.4', 'OpenMetricsText1.0.0'],
      params: { module: ['http_2xx', 'other'] },
      sampleLimit: 1000,
      labelLimit: 64,
      labelNameLengthLimit: 128,
      labelValueLengthLimit: 512,
      targetLimit: 10,
      keepDroppedTargets: 3,
      bodySizeLimitBytes: 2 ** 30 + 512 * 2 ** 20,
      nativeHistogramBucketLimit: 160,
      nativeHistogramMinBucketFactor: 1.1,
      convertClassicHistogramsToNhcb: true,
      alwaysScrapeClassicHistograms: true,
      metricNameValidationScheme: 'legacy',
      metricNameEscapingScheme: 'underscores',
    });
    expect(sc.http).toMatchObject({ followRedirects: false, enableHttp2: false, httpHeaders: { 'X-Tenant': { values: ['a', 'b'], secrets: ['s'], files: [] } } });
    expect(sc.staticConfigs).toEqual([
      { targets: [{ __address__: 'host1:9100' }, { __address__: '[::1]:9100' }, { __address__: 'host2' }], labels: { env: 'prod' }, source: '0' },
    ]);
    expect(sc.httpSDConfigs[0]).toMatchObject({ url: 'https://sd.example.org/targets', refreshIntervalMs: 60_000 });
    expect(sc.relabelConfigs).toEqual([
      { sourceLabels: ['__address__'], separator: ';', regex: '(.*)', modulus: 0, targetLabel: '__param_target', replacement: '$1', action: 'replace' },
      { sourceLabels: ['__address__'], separator: ';', regex: '(.*)', modulus: 4, targetLabel: '__tmp_shard', replacement: '$1', action: 'hashmod' },
    ]);
    expect(sc.metricRelabelConfigs).toEqual([{ sourceLabels: [], separator: ';', regex: 'tmp_.*', modulus: 0, targetLabel: '', replacement: '$1', action: 'labeldrop' }]);
  });

  it('turns the legacy bearer_token into an authorization of type Bearer', () => {
    expect(cfg.scrapeConfigs[1].http.authorization).toEqual({ type: 'Bearer', credentials: 's3cr3t' });
  });

  it('reads alerting', () => {
    expect(cfg.alerting.alertRelabelConfigs.map((r) => r.action)).toEqual(['labeldrop']);
    expect(cfg.alerting.alertmanagers[0]).toMatchObject({
      scheme: 'https',
      pathPrefix: '/am',
      timeoutMs: 5_000,
      apiVersion: 'v2',
      staticConfigs: [{ targets: [{ __address__: 'am:9093' }], labels: {}, source: '0' }],
    });
    expect(cfg.alerting.alertmanagers[0].alertRelabelConfigs[0]).toMatchObject({ action: 'drop', sourceLabels: ['severity'], regex: 'none' });
  });

  it('defaults an alertmanager config', () => {
    const am = ok('alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [localhost:9093]\n').alerting.alertmanagers[0];
    expect(am).toMatchObject({ scheme: 'http', pathPrefix: '/', timeoutMs: 10_000, apiVersion: 'v2' });
  });
});

describe('YAML features Prometheus (yaml.v2) accepts', () => {
  it('resolves anchors, aliases and merge keys', () => {
    const cfg = ok(`scrape_configs:
  - &base
    job_name: a
    scrape_interval: 7s
    static_configs: [{targets: [x:1]}]
  - <<: *base
    job_name: b
`);
    expect(cfg.scrapeConfigs.map((s) => [s.jobName, s.scrapeIntervalMs])).toEqual([
      ['a', 7_000],
      ['b', 7_000],
    ]);
  });

  it('reads non-string scalars as text in string fields, like Go', () => {
    const cfg = ok('scrape_configs:\n  - job_name: 123\n    static_configs:\n      - targets: [x:1]\n        labels: {on: yes, n: 1}\n');
    expect(cfg.scrapeConfigs[0].jobName).toBe('123');
    expect(cfg.scrapeConfigs[0].staticConfigs[0].labels).toEqual({ on: 'yes', n: '1' });
  });
});

describe('errors point at the offending field', () => {
  it('invalid duration value', () => {
    const text = 'global:\n  scrape_interval: 10s\nscrape_configs:\n  - job_name: x\n    scrape_interval: 10x\n';
    expectErrorAt(text, '10x', 'scrape_interval: not a valid duration "10x"');
    expect(formatIssue(errorsOf(text)[0])).toMatch(/^prometheus\.yml:5:22: scrape_interval: not a valid duration "10x"/);
  });

  it.each([
    ['unknown field (typo) with a suggestion', 'scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n', 'scrape_intervall', 'field scrape_intervall not found in type config.ScrapeConfig (did you mean scrape_interval?)'],
    ['unknown top-level field', 'scrape_config:\n  - job_name: x\n', 'scrape_config', 'field scrape_config not found in type config.Config (did you mean scrape_configs?)'],
    ['unknown global field', 'global:\n  interval: 5s\n', 'interval', 'field interval not found in type config.GlobalConfig'],
    ['unknown relabel field', 'scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - source_label: [a]\n        target_label: b\n', 'source_label', 'field source_label not found in type relabel.Config (did you mean source_labels?)'],
    ['unknown static_config field', 'scrape_configs:\n  - job_name: x\n    static_configs:\n      - target: [a:1]\n', 'target:', 'field target not found in type targetgroup.Group (did you mean targets?)'],
    ['missing job_name', 'scrape_configs:\n  - scrape_interval: 5s\n', 'scrape_interval', 'job_name is empty'],
    ['duplicate job name', "scrape_configs:\n  - job_name: x\n  - job_name: 'x'\n", "'x'", 'found multiple scrape configs with job name "x" (first defined at prometheus.yml:2:5)'],
    ['timeout > interval', 'scrape_configs:\n  - job_name: x\n    scrape_interval: 5s\n    scrape_timeout: 6s\n', '6s', 'scrape timeout greater than scrape interval for scrape config with job name "x" (6s > 5s)'],
    ['global timeout > interval', 'global:\n  scrape_interval: 5s\n  scrape_timeout: 1m\n', '1m', 'global scrape timeout greater than scrape interval (1m > 5s)'],
    ['boolean expected', 'scrape_configs:\n  - job_name: x\n    honor_labels: "true"\n', '"true"', 'honor_labels: expected true or false, got "true"'],
    ['uint expected', 'scrape_configs:\n  - job_name: x\n    sample_limit: -5\n', '-5', 'sample_limit: expected a non-negative integer, got -5'],
    ['size needs a unit', 'scrape_configs:\n  - job_name: x\n    body_size_limit: 1000\n', '1000', 'body_size_limit: not a valid size 1000'],
    ['bad scheme', 'scrape_configs:\n  - job_name: x\n    scheme: ftp\n', 'ftp', 'scheme: must be "http" or "https", got "ftp"'],
    ['list expected', 'scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: localhost:9090\n', 'localhost:9090', 'targets: expected a list of strings, got "localhost:9090"'],
    ['URL as target', "scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: ['a:1', 'http://localhost:9090/metrics']\n", "'http://", '"http://localhost:9090/metrics" is not a valid hostname'],
    ['bad port', "scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: ['localhost:99999']\n", "'localhost:99999'", 'bad port "99999"'],
    ['unbracketed IPv6', "scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: ['::1:9100']\n", "'::1:9100'", 'an IPv6 address needs brackets'],
    ['invalid label name', "scrape_configs:\n  - job_name: x\n    static_configs:\n      - targets: ['a:1']\n        labels: {'': v}\n", "''", 'labels: "" is not a valid label name'],
    ['invalid regex', "scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - source_labels: [a]\n        regex: 'foo(bar'\n        target_label: b\n", "'foo(bar'", 'regex: error parsing regexp: missing closing ): `foo(bar`'],
    ['unknown action', 'scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - action: rename\n', 'rename', 'action: unknown relabel action "rename"'],
    ['hashmod without modulus', 'scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - action: hashmod\n        target_label: s\n', 'hashmod', 'relabel configuration for hashmod requires non-zero modulus'],
    ['replace without target_label', 'scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - source_labels: [a]\n        action: replace\n', 'replace', "relabel configuration for replace action requires 'target_label' value"],
    ['labeldrop with extra fields', 'scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - action: labeldrop\n        regex: a\n        target_label: b\n', 'target_label', "labeldrop action requires only 'regex', and no other fields"],
    ['keepequal with explicit regex', 'scrape_configs:\n  - job_name: x\n    relabel_configs:\n      - action: keepequal\n        source_labels: [a]\n        target_label: b\n        regex: (.*)\n', 'regex', "keepequal action requires only 'source_labels' and `target_label`, and no other fields"],
    ['legacy target_label', "global:\n  metric_name_validation_scheme: legacy\nscrape_configs:\n  - job_name: x\n    relabel_configs:\n      - target_label: 'a-b'\n", "'a-b'", `"a-b" is invalid 'target_label' for replace action`],
    ['null relabel rule', 'scrape_configs:\n  - job_name: x\n    relabel_configs:\n      -\n', '-\n', 'empty or null target relabeling rule in scrape config'],
    ['null scrape config', 'scrape_configs:\n  - job_name: x\n  - ~\n', '~', 'empty or null scrape config section'],
    ['bad rule file glob', "rule_files:\n  - 'rules/*/x.yml'\n", "'rules/*/x.yml'", 'invalid rule file path "rules/*/x.yml"'],
    ['bad file_sd name', "scrape_configs:\n  - job_name: x\n    file_sd_configs:\n      - files: ['targets.txt']\n", "'targets.txt'", 'path name "targets.txt" is not valid for file discovery'],
    ['empty file_sd files', 'scrape_configs:\n  - job_name: x\n    file_sd_configs:\n      - refresh_interval: 1m\n', 'refresh_interval', 'file service discovery config must contain at least one path name'],
    ['http_sd URL scheme', "scrape_configs:\n  - job_name: x\n    http_sd_configs:\n      - url: 'ftp://sd'\n", "'ftp://sd'", "url: URL scheme must be 'http' or 'https'"],
    ['unknown scrape protocol', 'scrape_configs:\n  - job_name: x\n    scrape_protocols: [Proto]\n', '[Proto]', 'unknown scrape protocol Proto'],
    ['bad validation scheme', 'global:\n  metric_name_validation_scheme: ascii\n', 'ascii', "must be either 'legacy' or 'utf8', got ascii"],
    ['alertmanager api v1', 'alerting:\n  alertmanagers:\n    - api_version: v1\n', 'v1', 'expected Alertmanager api version to be one of [v2] but got v1'],
    ['unknown TLS version', 'scrape_configs:\n  - job_name: x\n    tls_config:\n      min_version: TLS9\n', 'TLS9', 'min_version: unknown TLS version: TLS9'],
    ['password and password_file', 'scrape_configs:\n  - job_name: x\n    basic_auth:\n      username: u\n      password: p\n      password_file: f\n', 'basic_auth', 'basic_auth: at most one of password & password_file must be configured'],
    ['bearer_token with authorization', 'scrape_configs:\n  - job_name: x\n    bearer_token: t\n    authorization:\n      credentials: c\n', 'bearer_token', 'authorization is not compatible with bearer_token & bearer_token_file'],
    ['basic authorization type', 'scrape_configs:\n  - job_name: x\n    authorization:\n      type: Basic\n', 'Basic', 'authorization type cannot be set to "basic", use "basic_auth" instead'],
    ['reserved header', 'scrape_configs:\n  - job_name: x\n    http_headers:\n      User-Agent:\n        values: [x]\n', 'User-Agent', 'setting header "User-Agent" is not allowed'],
    ['mapping expected', 'global: 5s\n', '5s', 'expected a mapping for config.GlobalConfig, got "5s"'],
  ])('%s', (_name, text, needle, message) => {
    expectErrorAt(text, needle, message);
  });

  it('reports YAML syntax errors with their position', () => {
    const text = 'scrape_configs:\n  - job_name: x\n    static_configs: [\n';
    const errors = errorsOf(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].message).toMatch(/^yaml: /);
    expect(errors[0].line).toBeGreaterThanOrEqual(3);
  });

  it('reports duplicate keys', () => {
    const text = 'global:\n  scrape_interval: 5s\n  scrape_interval: 6s\n';
    expect(errorsOf(text)[0]).toMatchObject({ line: 3, message: expect.stringContaining('Map keys must be unique') });
  });

  it('reports every error, sorted by position, not just the first', () => {
    const text = 'global:\n  scrape_interval: nope\nscrape_configs:\n  - job_name: a\n    sample_limit: x\n  - job_name: b\n    scheme: gopher\n';
    expect(errorsOf(text).map((e) => e.line)).toEqual([2, 5, 7]);
  });
});

describe('unknown vs unsupported fields', () => {
  const text = `global:
  scrape_interval: 15s
  query_log_file: /tmp/q.log
remote_write:
  - url: http://remote/write
storage:
  tsdb:
    out_of_order_time_window: 1h
scrape_configs:
  - job_name: k8s
    kubernetes_sd_configs:
      - role: pod
    consul_sd_configs: [{server: 'localhost:8500'}]
    oauth2:
      client_id: x
      token_url: http://t
    proxy_url: http://proxy:3128
  - job_name: static
    static_configs:
      - targets: ['localhost:9100']
alerting:
  alertmanagers:
    - sigv4: {region: eu}
      dns_sd_configs: [{names: [am.local]}]
`;
  const res = loadConfig(text, 'prometheus.yml');

  it('warns, naming each unsupported field at its position, and keeps the rest working', () => {
    expect(res.errors).toEqual([]);
    const names = ['query_log_file', 'remote_write', 'storage', 'kubernetes_sd_configs', 'consul_sd_configs', 'oauth2', 'proxy_url', 'sigv4', 'dns_sd_configs'];
    expect(res.warnings).toEqual(names.map((n) => ({ file: 'prometheus.yml', ...posOf(text, `${n}:`), message: `${n} is not supported by Sightline and is ignored` })));
    expect(res.config?.scrapeConfigs.map((s) => s.jobName)).toEqual(['k8s', 'static']);
    expect(res.config?.scrapeConfigs[1].staticConfigs[0].targets).toEqual([{ __address__: 'localhost:9100' }]);
  });

  it('treats a misspelt unsupported field as an error, not a warning', () => {
    expectErrorAt('scrape_configs:\n  - job_name: x\n    kubernetes_sd_config: []\n', 'kubernetes_sd_config', 'field kubernetes_sd_config not found in type config.ScrapeConfig (did you mean kubernetes_sd_configs?)');
  });
});

describe('external_labels environment expansion', () => {
  it('expands $VAR and ${VAR}, keeps $$ as $, and warns about empty variables', () => {
    const text = "global:\n  external_labels:\n    a: '$REGION-${ZONE}'\n    b: 'cost$$'\n    c: '${MISSING}x'\n    d: '${MISSING}'\n";
    const res = loadConfig(text, 'prometheus.yml', { env: { REGION: 'eu', ZONE: '1' } });
    expect(res.config?.global.externalLabels).toEqual({ a: 'eu-1', b: 'cost$', c: 'x' });
    expect(res.warnings.map((w) => [w.line, w.message])).toEqual([
      [5, 'external_labels: environment variable MISSING is empty or not set; c uses ""'],
      [6, 'external_labels: environment variable MISSING is empty or not set; d uses ""'],
    ]);
  });

  it('does not expand variables anywhere else', () => {
    const cfg = ok("scrape_configs:\n  - job_name: '${JOB}'\n    basic_auth:\n      username: u\n      password: '$PASS'\n", 'prometheus.yml', { JOB: 'x', PASS: 'y' });
    expect(cfg.scrapeConfigs[0].jobName).toBe('${JOB}');
    expect(cfg.scrapeConfigs[0].http.basicAuth?.password).toBe('$PASS');
  });
});

describe('loadScrapeConfigFile', () => {
  const main = ok('global:\n  scrape_interval: 20s\nscrape_config_files: [jobs/*.yml]\nscrape_configs:\n  - job_name: main\n', 'etc/prometheus.yml');

  it('applies the main config globals', () => {
    const res = loadScrapeConfigFile('scrape_configs:\n  - job_name: extra\n    file_sd_configs: [{files: [t.json]}]\n', 'etc/jobs/a.yml', main);
    expect(res.errors).toEqual([]);
    expect(res.scrapeConfigs?.map((s) => [s.jobName, s.scrapeIntervalMs, s.fileSDConfigs[0].files])).toEqual([['extra', 20_000, ['etc/jobs/t.json']]]);
  });

  it('rejects job names already defined, and fields other than scrape_configs', () => {
    const res = loadScrapeConfigFile('scrape_configs:\n  - job_name: main\nglobal: {}\n', 'etc/jobs/b.yml', main);
    expect(res.errors.map(formatIssue)).toEqual([
      'etc/jobs/b.yml:2:15: found multiple scrape configs with job name "main" (first defined at etc/prometheus.yml:5:5)',
      'etc/jobs/b.yml:3:1: field global not found in type config.ScrapeConfigs',
    ]);
  });
});
