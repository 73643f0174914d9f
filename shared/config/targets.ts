// Turns discovered target groups into scrape targets, as Prometheus's PopulateLabels and Target.URL do.

import { formatDuration, parseDuration } from './duration.ts';
import { compareNames, isValidUtf8, type Labels } from './labels.ts';
import { applyRelabel, compileRelabelConfigs, LabelsBuilder, type CompiledRelabelConfig } from './relabel.ts';
import type { ScrapeConfig, TargetGroup } from './types.ts';

/** A target to scrape. */
export interface Target {
  /** The labels attached to every scraped series (no `__` labels), sorted by name; includes job and instance. */
  labels: Labels;
  /** The labels before relabeling (what Prometheus shows as "discovered labels"), sorted by name. */
  discoveredLabels: Labels;
  /** The scrape URL built from `__scheme__`, `__address__`, `__metrics_path__` and params. */
  url: string;
  job: string;
  scheme: string;
  address: string;
  metricsPath: string;
  /** Query parameters after `__param_*` overrides. */
  params: Record<string, string[]>;
  intervalMs: number;
  timeoutMs: number;
  /** Identifies the target group it came from (`source` of the group). */
  groupSource: string;
}

/** A discovered target that will not be scraped: dropped by relabeling, or invalid (then `error` says why). */
export interface DroppedTarget {
  discoveredLabels: Labels;
  error?: string;
}

export interface BuildTargetsResult {
  active: Target[];
  /** Relabel-dropped targets (at most keep_dropped_targets of them when that is set) and invalid ones. */
  dropped: DroppedTarget[];
  /** How many targets relabeling dropped in total, including any not kept in `dropped`. */
  droppedByRelabeling: number;
}

const compiledCache = new WeakMap<readonly unknown[], CompiledRelabelConfig[]>();

function compiledFor(sc: ScrapeConfig): CompiledRelabelConfig[] {
  let compiled = compiledCache.get(sc.relabelConfigs);
  if (!compiled) {
    compiled = compileRelabelConfigs(sc.relabelConfigs, sc.metricNameValidationScheme);
    compiledCache.set(sc.relabelConfigs, compiled);
  }
  return compiled;
}

function discoveredBuilder(sc: ScrapeConfig, target: Labels, groupLabels: Labels): LabelsBuilder {
  const merged: Labels = { ...groupLabels, ...target };
  const lb = new LabelsBuilder(merged);
  const defaults: [string, string][] = [
    ['job', sc.jobName],
    ['__scrape_interval__', formatDuration(sc.scrapeIntervalMs)],
    ['__scrape_timeout__', formatDuration(sc.scrapeTimeoutMs)],
    ['__metrics_path__', sc.metricsPath],
    ['__scheme__', sc.scheme],
  ];
  for (const [name, value] of defaults) if (lb.get(name) === '') lb.set(name, value);
  for (const [k, values] of Object.entries(sc.params)) {
    const name = `__param_${k}`;
    if (values.length > 0 && lb.get(name) === '') lb.set(name, values[0]);
  }
  return lb;
}

/** The label set a target has before relabeling (Prometheus's PopulateDiscoveredLabels), sorted by name. */
export function populateDiscoveredLabels(sc: ScrapeConfig, target: Labels, groupLabels: Labels): Labels {
  return discoveredBuilder(sc, target, groupLabels).labels();
}

// Go's url.QueryEscape: only unreserved characters stay, space becomes `+`.
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

// Go's path escaping in url.URL.String: keeps unreserved characters and `$&+,/:;=@`.
function pathEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%(24|26|2B|2C|2F|3A|3B|3D|40)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Formats a scrape URL exactly as Go's url.URL{Scheme, Host, Path, RawQuery: params.Encode()}.String(). */
export function scrapeUrl(scheme: string, address: string, metricsPath: string, params: Record<string, string[]>): string {
  let path = pathEscape(metricsPath);
  if (path !== '' && !path.startsWith('/')) path = `/${path}`;
  const query = Object.keys(params)
    .sort()
    .flatMap((k) => params[k].map((v) => `${queryEscape(k)}=${queryEscape(v)}`))
    .join('&');
  return `${scheme}://${address}${path}${query ? `?${query}` : ''}`;
}

type Populated = { kind: 'active'; target: Target } | { kind: 'dropped' } | { kind: 'error'; message: string };

function populate(sc: ScrapeConfig, relabelConfigs: CompiledRelabelConfig[], t: Labels, group: TargetGroup, discovered: Labels): Populated {
  const lb = discoveredBuilder(sc, t, group.labels);
  for (const cfg of relabelConfigs) if (!applyRelabel(cfg, lb)) return { kind: 'dropped' };
  const address = lb.get('__address__');
  if (address === '') return { kind: 'error', message: 'no address' };
  // Prometheus checks only for a `/` here; the load-time check of static targets is stricter.
  if (address.includes('/')) return { kind: 'error', message: `"${address}" is not a valid hostname` };
  const intervalText = lb.get('__scrape_interval__');
  const intervalMs = parseDuration(intervalText);
  if (intervalMs === null) return { kind: 'error', message: `error parsing scrape interval: not a valid duration string: "${intervalText}"` };
  if (intervalMs === 0) return { kind: 'error', message: 'scrape interval cannot be 0' };
  const timeoutText = lb.get('__scrape_timeout__');
  const timeoutMs = parseDuration(timeoutText);
  if (timeoutMs === null) return { kind: 'error', message: `error parsing scrape timeout: not a valid duration string: "${timeoutText}"` };
  if (timeoutMs === 0) return { kind: 'error', message: 'scrape timeout cannot be 0' };
  if (timeoutMs > intervalMs) return { kind: 'error', message: `scrape timeout cannot be greater than scrape interval ("${timeoutText}" > "${intervalText}")` };
  // Meta labels go after relabeling; other `__` labels stay internal to the target (scheme, path, params).
  lb.range((name) => {
    if (name.startsWith('__meta_')) lb.delete(name);
  });
  if (lb.get('instance') === '') lb.set('instance', address);
  const all = lb.labels();
  for (const [name, value] of Object.entries(all)) {
    if (!isValidUtf8(value)) return { kind: 'error', message: `invalid label value for "${name}": "${value}"` };
  }
  const params: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(sc.params)) params[k] = [...v];
  const labels: Labels = {};
  for (const name of Object.keys(all).sort(compareNames)) {
    if (name.startsWith('__param_')) {
      const key = name.slice('__param_'.length);
      if (params[key]?.length) params[key][0] = all[name];
      else params[key] = [all[name]];
    }
    if (!name.startsWith('__')) labels[name] = all[name];
  }
  const scheme = all.__scheme__ ?? '';
  const metricsPath = all.__metrics_path__ ?? '';
  return {
    kind: 'active',
    target: {
      labels,
      discoveredLabels: discovered,
      url: scrapeUrl(scheme, address, metricsPath, params),
      job: all.job ?? '',
      scheme,
      address,
      metricsPath,
      params,
      intervalMs,
      timeoutMs,
      groupSource: group.source,
    },
  };
}

/**
 * Builds the targets of one scrape config from discovered groups: discovered labels, target relabeling,
 * the `instance` default and the scrape URL, like Prometheus 3 (which adds no default port).
 * Identical targets (same labels and URL) are kept once.
 */
export function buildTargets(sc: ScrapeConfig, groups: readonly TargetGroup[]): BuildTargetsResult {
  const relabelConfigs = compiledFor(sc);
  const active: Target[] = [];
  const dropped: DroppedTarget[] = [];
  let droppedByRelabeling = 0;
  const seen = new Set<string>();
  for (const group of groups) {
    for (const t of group.targets) {
      const discovered = populateDiscoveredLabels(sc, t, group.labels);
      const res = populate(sc, relabelConfigs, t, group, discovered);
      if (res.kind === 'dropped') {
        droppedByRelabeling++;
        if (sc.keepDroppedTargets === 0 || droppedByRelabeling <= sc.keepDroppedTargets) dropped.push({ discoveredLabels: discovered });
      } else if (res.kind === 'error') {
        dropped.push({ discoveredLabels: discovered, error: res.message });
      } else {
        const key = JSON.stringify([res.target.labels, res.target.url]);
        if (seen.has(key)) continue;
        seen.add(key);
        active.push(res.target);
      }
    }
  }
  return { active, dropped, droppedByRelabeling };
}
