// Resolves a loaded prometheus.yml into the scrape manager's targets (labels and URLs come from shared/config).
import { buildTargets } from '../../shared/config/targets.ts';
import { compileRelabelConfigs, relabel } from '../../shared/config/relabel.ts';
import type { ScrapeConfig, ScrapeConfigFile, TargetGroup } from '../../shared/config/types.ts';
import type { ExpositionFormat } from '../../shared/exposition/types.ts';
import { scrapeAcceptHeader } from '../../shared/scrape/accept.ts';
import type { MetricRelabelFn } from '../../shared/scrape/types.ts';
import type { DroppedTargetSpec, TargetSpec } from './manager.ts';

/** Targets of a whole config, plus targets that could not be built (a bad address after relabelling, …). */
export interface ResolvedTargets {
  active: TargetSpec[];
  dropped: DroppedTargetSpec[];
  /** `job NAME: target LABELS: problem`, one per invalid target. */
  errors: string[];
}

/** Resolves every scrape_config: its static groups plus any discovered groups the runtime passes in, by job name. */
export function resolveTargets(config: ScrapeConfigFile, discovered: ReadonlyMap<string, readonly TargetGroup[]> = new Map()): ResolvedTargets {
  const out: ResolvedTargets = { active: [], dropped: [], errors: [] };
  for (const sc of config.scrapeConfigs) {
    const built = buildTargets(sc, [...sc.staticConfigs, ...(discovered.get(sc.jobName) ?? [])]);
    const common = jobSettings(sc);
    for (const t of built.active) {
      out.active.push({
        ...common,
        pool: sc.jobName,
        url: t.url,
        discoveredLabels: t.discoveredLabels,
        intervalMs: t.intervalMs,
        timeoutMs: t.timeoutMs,
        settings: { ...common.settings, targetLabels: t.labels },
      });
    }
    for (const d of built.dropped) {
      if (d.error !== undefined) out.errors.push(`job ${sc.jobName}: target ${d.discoveredLabels.__address__ ?? JSON.stringify(d.discoveredLabels)}: ${d.error}`);
      else out.dropped.push({ pool: sc.jobName, discoveredLabels: d.discoveredLabels });
    }
  }
  return out;
}

type JobSettings = Omit<TargetSpec, 'pool' | 'url' | 'discoveredLabels' | 'intervalMs' | 'timeoutMs'>;

/** What every target of one scrape_config shares. */
function jobSettings(sc: ScrapeConfig): JobSettings {
  const metricRelabel = compileRelabelConfigs(sc.metricRelabelConfigs, sc.metricNameValidationScheme);
  const relabelFn: MetricRelabelFn | undefined = metricRelabel.length > 0 ? (labels) => relabel({ ...labels }, metricRelabel) : undefined;
  return {
    settings: {
      targetLabels: {},
      honorLabels: sc.honorLabels,
      honorTimestamps: sc.honorTimestamps,
      trackTimestampsStaleness: sc.trackTimestampsStaleness,
      sampleLimit: sc.sampleLimit,
      labelLimit: sc.labelLimit,
      labelNameLengthLimit: sc.labelNameLengthLimit,
      labelValueLengthLimit: sc.labelValueLengthLimit,
      metricRelabel: relabelFn,
    },
    accept: scrapeAcceptHeader(sc.scrapeProtocols, sc.metricNameEscapingScheme),
    fallbackFormat: fallbackFormat(sc),
    compression: sc.enableCompression,
    followRedirects: sc.http.followRedirects,
    bodySizeLimit: sc.bodySizeLimitBytes,
    headers: httpHeaders(sc),
    // Any change to the job's settings restarts its loops on reload.
    configKey: JSON.stringify(sc, (k, v: unknown) => (k === 'staticConfigs' || k === 'position' ? undefined : v)),
  };
}

/** Prometheus 3 fails a scrape without a usable Content-Type unless fallback_scrape_protocol names a format. */
function fallbackFormat(sc: ScrapeConfig): ExpositionFormat | null {
  const p = sc.fallbackScrapeProtocol;
  if (p === undefined || p === 'PrometheusProto') return null;
  return p.startsWith('OpenMetrics') ? 'openmetrics' : 'prometheus';
}

/** Static request headers from http_config: authorization, basic auth and http_headers values (`*_file` ones are the runtime's). */
function httpHeaders(sc: ScrapeConfig): Record<string, string> | undefined {
  const h: Record<string, string> = {};
  const auth = sc.http.authorization;
  if (auth?.credentials !== undefined) h.Authorization = `${auth.type} ${auth.credentials}`;
  const basic = sc.http.basicAuth;
  if (basic?.password !== undefined) h.Authorization = `Basic ${base64Utf8(`${basic.username}:${basic.password}`)}`;
  for (const [name, header] of Object.entries(sc.http.httpHeaders)) {
    const values = [...header.values, ...header.secrets];
    if (values.length > 0) h[name] = values.join(', ');
  }
  return Object.keys(h).length > 0 ? h : undefined;
}

function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
