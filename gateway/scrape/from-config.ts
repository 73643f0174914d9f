// Resolves a loaded prometheus.yml into the scrape manager's targets (labels and URLs come from shared/config).
import { buildTargets } from '../../shared/config/targets.ts';
import { compileRelabelConfigs, relabel } from '../../shared/config/relabel.ts';
import type { ScrapeConfig, ScrapeConfigFile, TargetGroup } from '../../shared/config/types.ts';
import type { ExpositionFormat } from '../../shared/exposition/types.ts';
import { scrapeAcceptHeader } from '../../shared/scrape/accept.ts';
import type { MetricRelabelFn } from '../../shared/scrape/types.ts';
import type { DroppedTargetSpec, TargetSpec } from './manager.ts';
import { customTls, secretFilesOf, staticHeadersOf } from './secrets.ts';

/** Targets of a whole config, plus targets that could not be built (a bad address after relabelling, …). */
export interface ResolvedTargets {
  active: TargetSpec[];
  dropped: DroppedTargetSpec[];
  /** Targets relabelling dropped per job, including those keep_dropped_targets left out of `dropped`. */
  droppedCounts: Record<string, number>;
  /** `job NAME: target LABELS: problem`, one per invalid target. */
  errors: string[];
}

/** Resolves every scrape_config: its static groups plus any discovered groups the runtime passes in, by job name. */
export function resolveTargets(config: ScrapeConfigFile, discovered: ReadonlyMap<string, readonly TargetGroup[]> = new Map()): ResolvedTargets {
  const out: ResolvedTargets = { active: [], dropped: [], droppedCounts: {}, errors: [] };
  for (const sc of config.scrapeConfigs) {
    const built = buildTargets(sc, [...sc.staticConfigs, ...(discovered.get(sc.jobName) ?? [])]);
    const common = jobSettings(sc);
    // target_limit: past it, the whole pool is kept but not scraped, each target reporting why (as Prometheus does).
    const forcedError =
      sc.targetLimit > 0 && built.active.length > sc.targetLimit
        ? `target_limit exceeded (number of targets: ${built.active.length}, limit: ${sc.targetLimit})`
        : undefined;
    for (const t of built.active) {
      out.active.push({
        ...common,
        pool: sc.jobName,
        url: t.url,
        discoveredLabels: t.discoveredLabels,
        intervalMs: t.intervalMs,
        timeoutMs: t.timeoutMs,
        settings: {
          ...common.settings,
          targetLabels: t.labels,
          extraMetrics: sc.extraScrapeMetrics ? { timeoutSeconds: t.timeoutMs / 1000 } : undefined,
        },
        ...(forcedError !== undefined ? { forcedError } : {}),
      });
    }
    // buildTargets keeps at most keep_dropped_targets of them; the count stays exact.
    if (built.droppedByRelabeling > 0) out.droppedCounts[sc.jobName] = built.droppedByRelabeling;
    for (const d of built.dropped) {
      if (d.error !== undefined) out.errors.push(`job ${sc.jobName}: target ${d.discoveredLabels.__address__ ?? JSON.stringify(d.discoveredLabels)}: ${d.error}`);
      else out.dropped.push({ pool: sc.jobName, discoveredLabels: d.discoveredLabels });
    }
  }
  return out;
}

const REUSE_IGNORED = new Set(['staticConfigs', 'position', 'scrapeIntervalMs', 'scrapeTimeoutMs', 'sampleLimit', 'http', 'fallbackScrapeProtocol']);

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
    headers: staticHeadersOf(sc.http),
    secretFiles: secretFilesOf(sc.http),
    tls: customTls(sc.http.tlsConfig),
    // Any change to the job's settings restarts its loops on reload.
    configKey: JSON.stringify(sc, (k, v: unknown) => (k === 'staticConfigs' || k === 'position' ? undefined : v)),
    // Prometheus reuses a target's scrape cache across a reload when only these fields changed (zeroConfig in scrape.go).
    reuseKey: JSON.stringify(sc, (k, v: unknown) => (REUSE_IGNORED.has(k) ? undefined : v)),
  };
}

/** Prometheus 3 fails a scrape without a usable Content-Type unless fallback_scrape_protocol names a format. */
function fallbackFormat(sc: ScrapeConfig): ExpositionFormat | null {
  const p = sc.fallbackScrapeProtocol;
  if (p === undefined || p === 'PrometheusProto') return null;
  return p.startsWith('OpenMetrics') ? 'openmetrics' : 'prometheus';
}

