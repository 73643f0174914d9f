// Sightline's dashboard JSON model (schema version 1): dashboard, variables, rows, panels, queries and field display.

/** The schema version this code reads and writes; `validateDashboard` rejects anything else. */
export const DASHBOARD_SCHEMA_VERSION = 1;

/** Panels sit on a 24-column grid, as in Grafana; one grid row is 30 px high in Grafana's renderer. */
export const GRID_COLUMNS = 24;

export type PanelType = 'timeseries' | 'stat' | 'gauge' | 'bargauge' | 'table' | 'heatmap' | 'text';
export const PANEL_TYPES: readonly PanelType[] = ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap', 'text'];

/**
 * A time range as the user wrote it: Grafana date math (`now`, `now-6h`, `now-1d/d`, `now/w`) or an absolute
 * time (ISO 8601 such as `2024-05-01T00:00:00Z`, or Unix milliseconds as a digit string). See time.ts.
 */
export interface TimeRange {
  from: string;
  to: string;
}

export type GraphTooltip = 'default' | 'sharedCrosshair' | 'sharedTooltip';

export interface Dashboard {
  schemaVersion: typeof DASHBOARD_SCHEMA_VERSION;
  /** Stable identity: 1–40 characters of [A-Za-z0-9_-]. */
  uid: string;
  title: string;
  description?: string;
  tags: string[];
  time: TimeRange;
  /** Auto-refresh interval such as `30s`, or '' for off. */
  refresh: string;
  /** `browser` (the viewer's zone), `utc`, or an IANA zone name. */
  timezone: string;
  graphTooltip: GraphTooltip;
  variables: Variable[];
  /** Panels above the first row; their grid y is relative to the top of the dashboard. */
  panels: Panel[];
  rows: Row[];
}

/** A titled, collapsible section; its panels' grid y is relative to the top of the section (below the header). */
export interface Row {
  title: string;
  collapsed: boolean;
  /** Repeat the whole row once per selected value of this variable. */
  repeat?: string;
  panels: Panel[];
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One PromQL query of a panel. */
export interface Target {
  /** Unique within the panel: `A`, `B`, ... */
  refId: string;
  expr: string;
  /** Series name template: `{{instance}} {{mode}}`; empty = the series' labels. */
  legendFormat?: string;
  /** Evaluate once at the end of the range instead of as a range query. */
  instant: boolean;
  /** Hidden queries run (others may reference them) but are not drawn. */
  hide: boolean;
  /** Lower bound for this query's step (Grafana's per-query "Min step", `target.interval`). */
  minStep?: string;
  /** How the result is shaped: series over time, a table of the last values, or heatmap buckets. */
  format?: 'time_series' | 'table' | 'heatmap';
}

export interface ThresholdStep {
  /** null only on the first step: the base colour below every other step. */
  value: number | null;
  color: string;
}

export interface Thresholds {
  /** `percentage` steps are 0–100 of the panel's min..max range. */
  mode: 'absolute' | 'percentage';
  steps: ThresholdStep[];
}

/** How series and values are coloured: the classic palette, by threshold, one fixed colour, or a named scheme. */
export interface ColorOptions {
  mode: 'palette' | 'thresholds' | 'fixed' | 'scheme';
  /** For `fixed`: a colour name (`green`, `semi-dark-red`) or CSS colour. */
  fixedColor?: string;
  /** For `scheme`: a scheme name such as `GrYlRd` or `Oranges`. */
  scheme?: string;
}

/** Value reducers for stat/gauge/bargauge and legend calculations (Grafana's ReducerID names). */
export type ReduceCalc = 'lastNotNull' | 'last' | 'firstNotNull' | 'first' | 'mean' | 'max' | 'min' | 'sum' | 'count' | 'range' | 'diff';
export const REDUCE_CALCS: readonly ReduceCalc[] = ['lastNotNull', 'last', 'firstNotNull', 'first', 'mean', 'max', 'min', 'sum', 'count', 'range', 'diff'];

export interface PanelRepeat {
  variable: string;
  /** `h`: side by side, wrapping after maxPerRow; `v`: stacked. */
  direction: 'h' | 'v';
  maxPerRow?: number;
}

export interface PanelCommon {
  /** Unique within the dashboard, ≥ 1. */
  id: number;
  title: string;
  description?: string;
  gridPos: GridPos;
  targets: Target[];
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: Thresholds;
  color?: ColorOptions;
  /** Lower bound for the auto interval (Grafana's panel "Min interval"); defaults to the scrape interval. */
  minInterval?: string;
  /** Resolution cap; defaults to the panel's width in pixels. */
  maxDataPoints?: number;
  repeat?: PanelRepeat;
}

export interface LegendOptions {
  show: boolean;
  placement: 'bottom' | 'right';
  displayMode: 'list' | 'table';
  calcs: ReduceCalc[];
}

export interface TimeseriesOptions {
  drawStyle: 'lines' | 'points' | 'bars';
  lineInterpolation: 'linear' | 'smooth' | 'stepBefore' | 'stepAfter';
  lineWidth: number;
  /** 0–100 % opacity of the area under the line. */
  fillOpacity: number;
  pointSize: number;
  showPoints: 'auto' | 'always' | 'never';
  stacking: 'none' | 'normal' | 'percent';
  legend: LegendOptions;
}

export interface StatOptions {
  reduce: ReduceCalc;
  sparkline: boolean;
  colorMode: 'value' | 'background' | 'none';
  textMode: 'auto' | 'value' | 'valueAndName' | 'name' | 'none';
  orientation: 'auto' | 'horizontal' | 'vertical';
}

export interface GaugeOptions {
  reduce: ReduceCalc;
  showThresholdMarkers: boolean;
  showThresholdLabels: boolean;
}

export interface BarGaugeOptions {
  reduce: ReduceCalc;
  displayMode: 'basic' | 'gradient' | 'lcd';
  orientation: 'auto' | 'horizontal' | 'vertical';
  showUnfilled: boolean;
}

export interface TableOptions {
  showHeader: boolean;
  sortBy?: { column: string; desc: boolean };
}

/** Heatmap of classic histogram buckets: series distinguished by `bucketLabel` (`le`), de-cumulated; panel `unit` applies to the bucket bounds. */
export interface HeatmapOptions {
  bucketLabel: string;
  colorScheme: string;
  hideZeroBuckets: boolean;
}

export interface TextOptions {
  mode: 'markdown';
  content: string;
}

export interface TimeseriesPanel extends PanelCommon {
  type: 'timeseries';
  options: TimeseriesOptions;
}
export interface StatPanel extends PanelCommon {
  type: 'stat';
  options: StatOptions;
}
export interface GaugePanel extends PanelCommon {
  type: 'gauge';
  options: GaugeOptions;
}
export interface BarGaugePanel extends PanelCommon {
  type: 'bargauge';
  options: BarGaugeOptions;
}
export interface TablePanel extends PanelCommon {
  type: 'table';
  options: TableOptions;
}
export interface HeatmapPanel extends PanelCommon {
  type: 'heatmap';
  options: HeatmapOptions;
}
export interface TextPanel extends PanelCommon {
  type: 'text';
  options: TextOptions;
}

export type Panel = TimeseriesPanel | StatPanel | GaugePanel | BarGaugePanel | TablePanel | HeatmapPanel | TextPanel;

/** The options type of each panel type. */
export interface PanelOptionsByType {
  timeseries: TimeseriesOptions;
  stat: StatOptions;
  gauge: GaugeOptions;
  bargauge: BarGaugeOptions;
  table: TableOptions;
  heatmap: HeatmapOptions;
  text: TextOptions;
}

/** Defaults filled in by the validator for every option a JSON file leaves out. */
export function defaultOptions<T extends PanelType>(type: T): PanelOptionsByType[T] {
  const byType: PanelOptionsByType = {
    timeseries: {
      drawStyle: 'lines',
      lineInterpolation: 'linear',
      lineWidth: 1,
      fillOpacity: 0,
      pointSize: 5,
      showPoints: 'auto',
      stacking: 'none',
      legend: { show: true, placement: 'bottom', displayMode: 'list', calcs: [] },
    },
    stat: { reduce: 'lastNotNull', sparkline: true, colorMode: 'value', textMode: 'auto', orientation: 'auto' },
    gauge: { reduce: 'lastNotNull', showThresholdMarkers: true, showThresholdLabels: false },
    bargauge: { reduce: 'lastNotNull', displayMode: 'gradient', orientation: 'horizontal', showUnfilled: true },
    table: { showHeader: true },
    heatmap: { bucketLabel: 'le', colorScheme: 'Oranges', hideZeroBuckets: false },
    text: { mode: 'markdown', content: '' },
  };
  return byType[type];
}

// ---- variables ----

/** The value a variable holds when "All" is selected (Grafana's sentinel). */
export const ALL_VALUE = '$__all';

/** A variable's selection: one value, or several for multi-value variables. */
export interface VariableValue {
  text: string | string[];
  value: string | string[];
}

export interface VariableOption {
  text: string;
  value: string;
}

export type VariableHide = 'none' | 'label' | 'variable';

/** Option ordering, Grafana's sort 0–8 by name. */
export type VariableSort = 'none' | 'alphaAsc' | 'alphaDesc' | 'numAsc' | 'numDesc' | 'alphaCiAsc' | 'alphaCiDesc' | 'naturalAsc' | 'naturalDesc';
export const VARIABLE_SORTS: readonly VariableSort[] = ['none', 'alphaAsc', 'alphaDesc', 'numAsc', 'numDesc', 'alphaCiAsc', 'alphaCiDesc', 'naturalAsc', 'naturalDesc'];

export interface VariableCommon {
  /** Referenced as `$name`: letters, digits and `_`, not starting with a digit or `__`. */
  name: string;
  label?: string;
  description?: string;
  hide: VariableHide;
}

/** Options from the data: `label_values(metric, label)`, `label_values(label)`, `label_names()`, `metrics(re)`, `query_result(expr)`, or a series selector. */
export interface QueryVariable extends VariableCommon {
  type: 'query';
  query: string;
  /** Grafana-style `/re/flags` (or a bare pattern, anchored) applied to each result; a capture group (or `(?<value>)`/`(?<text>)`) extracts. */
  regex?: string;
  sort: VariableSort;
  /** Re-run the query on dashboard load only, or on every time-range change too. */
  refresh: 'load' | 'timeRange';
  multi: boolean;
  includeAll: boolean;
  /** Replaces the list of every option when All is selected, e.g. `.*`; inserted without escaping. */
  allValue?: string;
  current?: VariableValue;
}

/** Options from a comma-separated list; `text : value` pairs allowed, `\,` escapes a comma. */
export interface CustomVariable extends VariableCommon {
  type: 'custom';
  query: string;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  current?: VariableValue;
}

export interface ConstantVariable extends VariableCommon {
  type: 'constant';
  query: string;
}

/** A list of durations (`1m,5m,1h`); with `auto`, an extra option computed from the time range. */
export interface IntervalVariable extends VariableCommon {
  type: 'interval';
  query: string;
  auto: boolean;
  /** The auto option divides the time range into this many intervals... */
  autoCount: number;
  /** ...but never below this. */
  autoMin: string;
  current?: VariableValue;
}

/** Free text typed by the user; `query` is the default. */
export interface TextboxVariable extends VariableCommon {
  type: 'textbox';
  query: string;
  current?: VariableValue;
}

export type Variable = QueryVariable | CustomVariable | ConstantVariable | IntervalVariable | TextboxVariable;
export type VariableType = Variable['type'];
export const VARIABLE_TYPES: readonly VariableType[] = ['query', 'custom', 'constant', 'interval', 'textbox'];

/** Every panel of a dashboard, top-level first, then row by row. */
export function allPanels(d: Pick<Dashboard, 'panels' | 'rows'>): Panel[] {
  return [...d.panels, ...d.rows.flatMap((r) => r.panels)];
}
