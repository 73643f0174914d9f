// Maps one Grafana panel (timeseries/graph, stat/singlestat, gauge, bargauge, table/table-old, heatmap, text) to a Sightline panel.
import { classifyDatasource, type DatasourceIndex } from './grafana-datasource.ts';
import { arr, at, bool, isSet, num, obj, str, type Json } from './grafana-json.ts';
import type { PanelReport } from './grafana-report.ts';
import {
  defaultOptions,
  type ColorOptions,
  type GridPos,
  type LegendOptions,
  type Panel,
  type PanelCommon,
  type ReduceCalc,
  type Target,
  type Thresholds,
  type ThresholdStep,
} from './model.ts';

/** Grafana reducer ids and their aliases (`avg`, `current`, `total`) → Sightline reducers. */
const REDUCERS: Readonly<Record<string, ReduceCalc>> = {
  lastNotNull: 'lastNotNull',
  current: 'lastNotNull',
  last: 'last',
  firstNotNull: 'firstNotNull',
  first: 'firstNotNull',
  mean: 'mean',
  avg: 'mean',
  max: 'max',
  min: 'min',
  sum: 'sum',
  total: 'sum',
  count: 'count',
  range: 'range',
  diff: 'diff',
};

/** Maps a Grafana reducer id; undefined for ones Sightline lacks (delta, stdDev, percentiles, ...). */
export function mapReducer(id: unknown): ReduceCalc | undefined {
  return typeof id === 'string' && Object.prototype.hasOwnProperty.call(REDUCERS, id) ? REDUCERS[id] : undefined;
}

/** Builds the Sightline panel for a Grafana panel, or undefined (with `report.reason`) when it cannot be imported. */
export function mapPanel(p: Json, id: number, gridPos: GridPos, report: PanelReport, ds: DatasourceIndex): Panel | undefined {
  const type = str(p.type) ?? 'unknown';
  const fail = (reason: string): undefined => {
    report.reason = reason;
    return undefined;
  };
  if (isSet(p.libraryPanel)) return fail('library panels are stored outside the dashboard JSON; export the dashboard with "Export for sharing externally" to inline them');
  const panelDs = classifyDatasource(p.datasource, ds);
  if (panelDs.kind === 'other' && type !== 'text') return fail(`uses data source ${JSON.stringify(panelDs.name)}, which is not Prometheus`);

  const defaults = obj(at(p, 'fieldConfig', 'defaults')) ?? {};
  const unmapped = (feature: string): void => {
    if (!report.unmapped.includes(feature)) report.unmapped.push(feature);
  };
  if (isSet(at(p, 'fieldConfig', 'overrides'))) unmapped('overrides');
  if (isSet(p.transformations)) unmapped('transformations');
  if (isSet(p.links) || isSet(defaults.links)) unmapped('links');
  if (isSet(defaults.mappings)) unmapped('value mappings');
  if (str(p.timeFrom)) unmapped('timeFrom (relative time override)');
  if (str(p.timeShift)) unmapped('timeShift');
  if (isSet(p.alert)) unmapped('legacy alert');
  if (str(defaults.displayName)) unmapped('displayName');
  if (str(defaults.noValue)) unmapped('noValue');

  const common = commonFields(p, id, gridPos, defaults, report, ds, panelDs.kind === 'mixed');
  const panel = mapByType(type, p, common, defaults, report, unmapped);
  if (panel && panel.type !== 'text' && panel.targets.length === 0 && !report.reason) report.notes.push('has no Prometheus queries');
  return panel;
}

function commonFields(p: Json, id: number, gridPos: GridPos, defaults: Json, report: PanelReport, ds: DatasourceIndex, mixed: boolean): PanelCommon {
  const minInterval = str(p.interval);
  const maxDataPoints = num(p.maxDataPoints);
  const repeat = str(p.repeat);
  const min = num(defaults.min);
  const max = num(defaults.max);
  const decimals = num(defaults.decimals);
  const thresholds = mapThresholds(defaults.thresholds);
  const color = mapColor(defaults.color, report);
  return {
    id,
    title: str(p.title) ?? '',
    ...(str(p.description) ? { description: str(p.description) } : {}),
    gridPos,
    targets: mapTargets(p.targets, report, ds, mixed),
    ...(str(defaults.unit) ? { unit: str(defaults.unit) } : {}),
    ...(decimals !== undefined ? { decimals: clampDecimals(decimals) } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined && (min === undefined || max >= min) ? { max } : {}),
    ...(thresholds ? { thresholds } : {}),
    ...(color ? { color } : {}),
    ...(minInterval ? { minInterval } : {}),
    ...(maxDataPoints !== undefined && maxDataPoints >= 1 ? { maxDataPoints: Math.round(maxDataPoints) } : {}),
    ...(repeat
      ? {
          repeat: {
            variable: repeat.replace(/^\$\{?|\}$/g, ''),
            direction: p.repeatDirection === 'v' ? ('v' as const) : ('h' as const),
            ...(num(p.maxPerRow) !== undefined ? { maxPerRow: Math.min(24, Math.max(1, Math.round(num(p.maxPerRow)!))) } : {}),
          },
        }
      : {}),
  };
}

function clampDecimals(d: number): number {
  return Math.min(20, Math.max(0, Math.round(d)));
}

function mapTargets(list: unknown, report: PanelReport, ds: DatasourceIndex, mixed: boolean): Target[] {
  const out: Target[] = [];
  let empty = 0;
  let foreign = 0;
  for (const item of arr(list)) {
    const t = obj(item);
    if (!t) continue;
    if (mixed || t.datasource !== undefined) {
      const kind = classifyDatasource(t.datasource, ds);
      if (kind.kind === 'other') {
        foreign++;
        continue;
      }
    }
    const expr = typeof t.expr === 'string' ? t.expr : '';
    if (expr.trim() === '') {
      empty++;
      continue;
    }
    let refId = str(t.refId) ?? '';
    if (refId === '' || out.some((o) => o.refId === refId)) refId = nextRefId(out);
    const minStep = str(t.interval) ?? (num(t.step) !== undefined ? `${num(t.step)}s` : undefined);
    const format = t.format === 'table' || t.format === 'heatmap' || t.format === 'time_series' ? t.format : undefined;
    const instant = t.instant === true && t.range !== true;
    if (t.instant === true && t.range === true) report.notes.push(`query ${refId} ran as both range and instant query in Grafana; imported as a range query`);
    const factor = num(t.intervalFactor);
    if (factor !== undefined && factor !== 1 && !report.unmapped.includes('intervalFactor')) report.unmapped.push('intervalFactor');
    out.push({
      refId,
      expr,
      ...(typeof t.legendFormat === 'string' && t.legendFormat !== '' ? { legendFormat: t.legendFormat } : {}),
      instant,
      hide: t.hide === true,
      ...(minStep ? { minStep } : {}),
      ...(format ? { format } : {}),
    });
  }
  if (empty > 0) report.notes.push(`${empty} empty quer${empty === 1 ? 'y' : 'ies'} dropped`);
  if (foreign > 0) report.notes.push(`${foreign} quer${foreign === 1 ? 'y' : 'ies'} on non-Prometheus data sources dropped`);
  return out;
}

function nextRefId(existing: readonly Target[]): string {
  for (let i = 0; ; i++) {
    const id = i < 26 ? String.fromCharCode(65 + i) : `Q${i}`;
    if (!existing.some((t) => t.refId === id)) return id;
  }
}

/** fieldConfig.defaults.thresholds → Sightline thresholds (base step null, ascending). */
function mapThresholds(v: unknown): Thresholds | undefined {
  const t = obj(v);
  if (!t) return undefined;
  const steps = arr(t.steps)
    .map((s) => obj(s))
    .filter((s): s is Json => s !== undefined && str(s.color) !== undefined)
    .map((s) => ({ value: num(s.value) ?? null, color: str(s.color)! }));
  if (steps.length === 0) return undefined;
  const base = steps.find((s) => s.value === null) ?? steps[0];
  const rest = steps.filter((s) => s !== base && s.value !== null).sort((a, b) => (a.value as number) - (b.value as number));
  return { mode: t.mode === 'percentage' ? 'percentage' : 'absolute', steps: [{ value: null, color: base.color }, ...rest] };
}

function mapColor(v: unknown, report: PanelReport): ColorOptions | undefined {
  const c = obj(v);
  const mode = str(c?.mode);
  if (!c || !mode) return undefined;
  if (mode.startsWith('palette-classic')) return { mode: 'palette' };
  if (mode === 'thresholds') return { mode: 'thresholds' };
  if (mode === 'fixed' || mode === 'shades') return str(c.fixedColor) ? { mode: 'fixed', fixedColor: str(c.fixedColor)! } : { mode: 'palette' };
  if (mode.startsWith('continuous-')) return { mode: 'scheme', scheme: mode.slice('continuous-'.length) };
  report.notes.push(`color mode ${JSON.stringify(mode)} shown with the classic palette`);
  return { mode: 'palette' };
}

type Unmapped = (feature: string) => void;

function mapByType(type: string, p: Json, common: PanelCommon, defaults: Json, report: PanelReport, unmapped: Unmapped): Panel | undefined {
  const options = obj(p.options) ?? {};
  const custom = obj(defaults.custom) ?? {};
  switch (type) {
    case 'timeseries':
      return { ...common, type: 'timeseries', options: timeseriesOptions(options, custom, unmapped) };
    case 'graph':
      return mapGraph(p, common, report, unmapped);
    case 'stat':
      return { ...common, type: 'stat', options: statOptions(options, unmapped) };
    case 'singlestat':
    case 'grafana-singlestat-panel':
      return mapSinglestat(p, common, unmapped);
    case 'gauge':
      return {
        ...common,
        type: 'gauge',
        options: {
          reduce: reduceOption(options, unmapped),
          showThresholdMarkers: bool(options.showThresholdMarkers) ?? true,
          showThresholdLabels: bool(options.showThresholdLabels) ?? false,
        },
      };
    case 'bargauge': {
      const d = defaultOptions('bargauge');
      const displayMode = options.displayMode === 'basic' || options.displayMode === 'lcd' || options.displayMode === 'gradient' ? options.displayMode : d.displayMode;
      return {
        ...common,
        type: 'bargauge',
        options: { reduce: reduceOption(options, unmapped), displayMode, orientation: orientation(options.orientation), showUnfilled: bool(options.showUnfilled) ?? true },
      };
    }
    case 'table': {
      const cell = str(at(custom, 'cellOptions', 'type')) ?? str(custom.displayMode);
      if (cell && cell !== 'auto') unmapped('table cell display modes');
      if (isSet(options.footer) && bool(at(options, 'footer', 'show'))) unmapped('table footer');
      const sort = obj(arr(options.sortBy)[0]);
      const column = str(sort?.displayName);
      return { ...common, type: 'table', options: { showHeader: bool(options.showHeader) ?? true, ...(column ? { sortBy: { column, desc: sort?.desc === true } } : {}) } };
    }
    case 'table-old': {
      if (isSet(p.styles)) unmapped('table styles');
      if (str(p.transform) && p.transform !== 'timeseries_to_rows') unmapped('table transform');
      const sort = obj(p.sort);
      return { ...common, type: 'table', options: { showHeader: true, ...(num(sort?.col) !== undefined ? { sortBy: { column: String(num(sort?.col)), desc: sort?.desc === true } } : {}) } };
    }
    case 'heatmap':
      return mapHeatmap(p, common, options, report);
    case 'text': {
      const mode = str(options.mode) ?? str(p.mode) ?? 'markdown';
      let content = typeof options.content === 'string' ? options.content : typeof p.content === 'string' ? p.content : '';
      if (mode === 'html') report.notes.push('HTML text shown as markdown source');
      if (mode === 'code') content = '```\n' + content + '\n```';
      return { ...common, targets: [], type: 'text', options: { mode: 'markdown', content } };
    }
    default:
      report.reason = `panel type ${JSON.stringify(type)} is not supported`;
      return undefined;
  }
}

function orientation(v: unknown): 'auto' | 'horizontal' | 'vertical' {
  return v === 'horizontal' || v === 'vertical' ? v : 'auto';
}

function reduceOption(options: Json, unmapped: Unmapped): ReduceCalc {
  const r = obj(options.reduceOptions) ?? {};
  if (r.values === true) unmapped('reduceOptions.values (one value per row)');
  const calcs = arr(r.calcs);
  if (calcs.length === 0) return 'lastNotNull';
  const mapped = mapReducer(calcs[0]);
  if (!mapped) unmapped(`reducer ${String(calcs[0])}`);
  if (calcs.length > 1) unmapped('several reducers');
  return mapped ?? 'lastNotNull';
}

function legendCalcs(ids: readonly unknown[], unmapped: Unmapped): ReduceCalc[] {
  const out: ReduceCalc[] = [];
  for (const id of ids) {
    const m = mapReducer(id);
    if (m) {
      if (!out.includes(m)) out.push(m);
    } else unmapped(`legend calculation ${String(id)}`);
  }
  return out;
}

function timeseriesOptions(options: Json, custom: Json, unmapped: Unmapped): Extract<Panel, { type: 'timeseries' }>['options'] {
  const d = defaultOptions('timeseries');
  const draw = custom.drawStyle === 'bars' ? 'bars' : custom.drawStyle === 'points' ? 'points' : 'lines';
  const interp = custom.lineInterpolation;
  const stacking = at(custom, 'stacking', 'mode');
  const showPoints = custom.showPoints;
  if (at(custom, 'scaleDistribution', 'type') === 'log') unmapped('log scale');
  if (custom.transform === 'negative-Y') unmapped('negative-Y transform');
  const thresholdsStyle = at(custom, 'thresholdsStyle', 'mode');
  if (typeof thresholdsStyle === 'string' && thresholdsStyle !== 'off') unmapped('thresholds style');
  const legend = obj(options.legend) ?? {};
  const legendOut: LegendOptions = {
    show: bool(legend.showLegend) ?? legend.displayMode !== 'hidden',
    placement: legend.placement === 'right' ? 'right' : 'bottom',
    displayMode: legend.displayMode === 'table' ? 'table' : 'list',
    calcs: legendCalcs(arr(legend.calcs), unmapped),
  };
  return {
    drawStyle: draw,
    lineInterpolation: interp === 'smooth' || interp === 'stepBefore' || interp === 'stepAfter' ? interp : 'linear',
    lineWidth: clamp(num(custom.lineWidth) ?? d.lineWidth, 0, 10),
    fillOpacity: clamp(num(custom.fillOpacity) ?? d.fillOpacity, 0, 100),
    pointSize: clamp(num(custom.pointSize) ?? d.pointSize, 1, 40),
    showPoints: showPoints === 'always' || showPoints === 'never' ? showPoints : 'auto',
    stacking: stacking === 'normal' || stacking === 'percent' ? stacking : 'none',
    legend: legendOut,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The legacy `graph` panel: lines/bars/points, fill 0–10, stack/percentage, left y-axis format and bounds. */
function mapGraph(p: Json, common: PanelCommon, report: PanelReport, unmapped: Unmapped): Panel | undefined {
  const xMode = at(p, 'xaxis', 'mode');
  if (typeof xMode === 'string' && xMode !== 'time') {
    report.reason = `graph with x-axis mode ${JSON.stringify(xMode)} is not supported (only time)`;
    return undefined;
  }
  if (isSet(p.seriesOverrides)) unmapped('seriesOverrides');
  if (isSet(p.aliasColors)) unmapped('aliasColors');
  const yaxis = obj(arr(p.yaxes)[0]) ?? {};
  if (at(yaxis, 'logBase') !== undefined && num(yaxis.logBase) !== 1) unmapped('log scale');
  const lines = bool(p.lines) ?? true;
  const bars = bool(p.bars) ?? false;
  const points = bool(p.points) ?? false;
  const legend = obj(p.legend) ?? {};
  const calcIds = (['avg', 'current', 'max', 'min', 'total'] as const).filter((k) => legend[k] === true);
  const stack = bool(p.stack) ?? false;
  const d = defaultOptions('timeseries');
  const min = num(yaxis.min);
  const max = num(yaxis.max);
  const decimals = num(p.decimals) ?? num(yaxis.decimals);
  const thresholds = graphThresholds(p.thresholds, unmapped);
  return {
    ...common,
    ...(str(yaxis.format) ? { unit: str(yaxis.format) } : {}),
    ...(decimals !== undefined ? { decimals: clampDecimals(decimals) } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined && (min === undefined || max >= min) ? { max } : {}),
    ...(thresholds ? { thresholds } : {}),
    type: 'timeseries',
    options: {
      ...d,
      drawStyle: bars ? 'bars' : !lines && points ? 'points' : 'lines',
      lineInterpolation: p.steppedLine === true ? 'stepAfter' : 'linear',
      lineWidth: clamp(num(p.linewidth) ?? 1, 0, 10),
      fillOpacity: clamp((num(p.fill) ?? 1) * 10, 0, 100),
      pointSize: clamp((num(p.pointradius) ?? 2) * 2, 1, 40),
      showPoints: points ? 'always' : 'never',
      stacking: stack ? (p.percentage === true ? 'percent' : 'normal') : 'none',
      legend: {
        show: bool(legend.show) ?? true,
        placement: legend.rightSide === true ? 'right' : 'bottom',
        displayMode: legend.alignAsTable === true ? 'table' : 'list',
        calcs: legendCalcs(calcIds, unmapped),
      },
    },
  };
}

const GRAPH_THRESHOLD_COLORS: Readonly<Record<string, string>> = { critical: 'red', warning: 'orange', ok: 'green' };

/** Legacy graph thresholds (`[{value, op: 'gt', colorMode}]`): "gt" ones become steps over a transparent base. */
function graphThresholds(v: unknown, unmapped: Unmapped): Thresholds | undefined {
  const list = arr(v).map((x) => obj(x)).filter((x): x is Json => x !== undefined);
  if (list.length === 0) return undefined;
  const steps: ThresholdStep[] = [];
  for (const t of list) {
    const value = num(t.value);
    if (value === undefined || t.op === 'lt') {
      unmapped('graph thresholds below a value ("lt")');
      continue;
    }
    const color = GRAPH_THRESHOLD_COLORS[str(t.colorMode) ?? ''] ?? str(t.lineColor) ?? str(t.fillColor) ?? 'red';
    steps.push({ value, color });
  }
  if (steps.length === 0) return undefined;
  steps.sort((a, b) => (a.value as number) - (b.value as number));
  return { mode: 'absolute', steps: [{ value: null, color: 'transparent' }, ...steps] };
}

function statOptions(options: Json, unmapped: Unmapped): Extract<Panel, { type: 'stat' }>['options'] {
  const colorMode = options.colorMode === 'none' ? 'none' : options.colorMode === 'background' || options.colorMode === 'background_solid' ? 'background' : 'value';
  const tm = options.textMode;
  return {
    reduce: reduceOption(options, unmapped),
    sparkline: options.graphMode !== 'none',
    colorMode,
    textMode: tm === 'value' || tm === 'name' || tm === 'none' ? tm : tm === 'value_and_name' ? 'valueAndName' : 'auto',
    orientation: orientation(options.orientation),
  };
}

const SINGLESTAT_REDUCERS: Readonly<Record<string, ReduceCalc>> = {
  avg: 'mean',
  current: 'lastNotNull',
  max: 'max',
  min: 'min',
  total: 'sum',
  first: 'firstNotNull',
  diff: 'diff',
  range: 'range',
};

/** The legacy `singlestat` panel → stat, or gauge when its gauge was shown. */
function mapSinglestat(p: Json, common: PanelCommon, unmapped: Unmapped): Panel {
  const valueName = str(p.valueName) ?? 'avg';
  const reduce = SINGLESTAT_REDUCERS[valueName];
  if (!reduce) unmapped(`value ${valueName}`);
  if (str(p.prefix) || str(p.postfix)) unmapped('prefix/postfix');
  const maps = arr(p.valueMaps).filter((m) => !(obj(m)?.value === 'null' && obj(m)?.text === 'N/A'));
  if (maps.length > 0 || arr(p.rangeMaps).some((m) => obj(m)?.from !== 'null')) unmapped('value mappings');
  const colors = arr(p.colors).map(str).filter((c): c is string => c !== undefined);
  const limits = (typeof p.thresholds === 'string' ? p.thresholds.split(',') : arr(p.thresholds)).map(num).filter((n): n is number => n !== undefined);
  const colorBackground = p.colorBackground === true;
  const colorValue = p.colorValue === true;
  let thresholds: Thresholds | undefined;
  if (colors.length > 0 && (limits.length > 0 || colorBackground || colorValue)) {
    thresholds = {
      mode: 'absolute',
      steps: [{ value: null, color: colors[0] }, ...limits.map((value, i) => ({ value, color: colors[Math.min(i + 1, colors.length - 1)] }))].sort((a, b) =>
        a.value === null ? -1 : b.value === null ? 1 : a.value - b.value,
      ),
    };
  }
  const decimals = num(p.decimals);
  const shared = {
    ...common,
    ...(str(p.format) ? { unit: str(p.format) } : {}),
    ...(decimals !== undefined ? { decimals: clampDecimals(decimals) } : {}),
    ...(thresholds ? { thresholds } : {}),
  };
  const gauge = obj(p.gauge);
  if (gauge?.show === true) {
    const min = num(gauge.minValue) ?? 0;
    const max = num(gauge.maxValue) ?? 100;
    return {
      ...shared,
      min,
      ...(max >= min ? { max } : {}),
      type: 'gauge',
      options: { reduce: reduce ?? 'lastNotNull', showThresholdMarkers: gauge.thresholdMarkers !== false, showThresholdLabels: gauge.thresholdLabels === true },
    };
  }
  return {
    ...shared,
    type: 'stat',
    options: {
      reduce: reduce ?? 'lastNotNull',
      sparkline: at(p, 'sparkline', 'show') === true,
      colorMode: colorBackground ? 'background' : colorValue ? 'value' : 'none',
      textMode: 'value',
      orientation: 'auto',
    },
  };
}

/** Heatmaps of classic `le` buckets only: legacy `dataFormat: tsbuckets` or a new heatmap with `calculate: false`. */
function mapHeatmap(p: Json, common: PanelCommon, options: Json, report: PanelReport): Panel | undefined {
  const legacy = 'dataFormat' in p;
  if (legacy ? p.dataFormat !== 'tsbuckets' : options.calculate === true) {
    report.reason = 'heatmap buckets calculated from raw series are not supported; query classic histogram buckets (…_bucket by le) with format "heatmap"';
    return undefined;
  }
  const scheme = legacy ? str(at(p, 'color', 'colorScheme'))?.replace(/^interpolate/, '') : str(at(options, 'color', 'scheme'));
  const unit = legacy ? str(at(p, 'yAxis', 'format')) : (str(at(options, 'yAxis', 'unit')) ?? common.unit);
  const hideZero = legacy ? p.hideZeroBuckets === true : num(at(options, 'filterValues', 'le')) !== undefined;
  const decimals = legacy ? num(at(p, 'yAxis', 'decimals')) : num(at(options, 'yAxis', 'decimals'));
  return {
    ...common,
    ...(unit ? { unit } : {}),
    ...(decimals !== undefined ? { decimals: clampDecimals(decimals) } : {}),
    type: 'heatmap',
    options: { bucketLabel: 'le', colorScheme: scheme ?? 'Oranges', hideZeroBuckets: hideZero },
  };
}
