// Validates dashboard JSON against the model, filling defaults; every problem is reported with its JSON path.
import { intervalError } from './interval.ts';
import { grafanaRegex, dependencyOrder } from './variables.ts';
import { resolveTimeRange, timeExprError } from './time.ts';
import {
  DASHBOARD_SCHEMA_VERSION,
  GRID_COLUMNS,
  PANEL_TYPES,
  REDUCE_CALCS,
  VARIABLE_SORTS,
  VARIABLE_TYPES,
  defaultOptions,
  type ColorOptions,
  type Dashboard,
  type GridPos,
  type Panel,
  type PanelCommon,
  type PanelOptionsByType,
  type PanelRepeat,
  type PanelType,
  type Row,
  type Target,
  type Thresholds,
  type ThresholdStep,
  type Variable,
  type VariableCommon,
  type VariableValue,
} from './model.ts';

/** One problem, located by a path such as `rows[1].panels[0].gridPos.w`. */
export interface ValidationError {
  path: string;
  message: string;
}

export interface ValidationResult {
  /** The dashboard with defaults filled in; absent when there are errors. */
  dashboard?: Dashboard;
  errors: ValidationError[];
}

/** Parses dashboard JSON text and validates it; a syntax error is reported at path `` with the parser's message. */
export function parseDashboard(text: string): ValidationResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { errors: [{ path: '', message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  return validateDashboard(json);
}

/** Checks a parsed JSON value against the dashboard model; unknown properties are errors, missing optional ones get defaults. */
export function validateDashboard(json: unknown): ValidationResult {
  const errors: ValidationError[] = [];
  const root = Reader.of(json, '', errors);
  if (!root) return { errors };
  const version = root.raw('schemaVersion');
  if (version !== DASHBOARD_SCHEMA_VERSION) {
    errors.push({
      path: 'schemaVersion',
      message:
        version === undefined
          ? `is required (${DASHBOARD_SCHEMA_VERSION}); Grafana dashboards must be converted with grafana-import first`
          : `unsupported schema version ${JSON.stringify(version)}: this Sightline reads version ${DASHBOARD_SCHEMA_VERSION}`,
    });
    return { errors };
  }
  const uid = root.str('uid');
  if (uid !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(uid)) root.fail('uid', 'must be 1–40 characters of letters, digits, "-" and "_"');
  const title = root.str('title');
  if (title !== undefined && title.trim() === '') root.fail('title', 'must not be empty');
  const description = root.optStr('description');
  const tags = root.strArray('tags');
  const time = readTime(root);
  const refresh = root.str('refresh', '') ?? '';
  if (refresh !== '') {
    const err = intervalError(refresh);
    if (err) root.fail('refresh', err);
  }
  const timezone = root.str('timezone', 'browser') ?? 'browser';
  if (timezone !== 'browser' && timezone !== 'utc' && !isTimeZone(timezone)) root.fail('timezone', `unknown time zone ${JSON.stringify(timezone)}: use "browser", "utc" or an IANA name such as "Europe/Paris"`);
  const graphTooltip = root.oneOf('graphTooltip', ['default', 'sharedCrosshair', 'sharedTooltip'] as const, 'default');
  const variables = located(root.array('variables'), 'variables', (v, path) => readVariable(v, path, errors));
  const panels = located(root.array('panels'), 'panels', (p, path) => readPanel(p, path, errors));
  const rows = located(root.array('rows'), 'rows', (r, path) => readRow(r, path, errors));
  root.done();

  checkVariables(variables, errors);
  checkPanels(panels, rows, variables, errors);
  if (errors.length > 0) return { errors };
  const dashboard: Dashboard = {
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    uid: uid!,
    title: title!,
    ...(description !== undefined ? { description } : {}),
    tags,
    time: time!,
    refresh,
    timezone,
    graphTooltip: graphTooltip!,
    variables: variables.map((v) => v.value),
    panels: panels.map((p) => p.value),
    rows: rows.map((r) => ({ ...r.value, panels: r.value.panels.map((p) => p.value) })),
  };
  return { dashboard, errors };
}

/** A value read from the JSON with the path it came from (indices stay right when invalid siblings are dropped). */
interface Located<T> {
  value: T;
  path: string;
}

function located<T>(items: unknown[], path: string, read: (v: unknown, path: string) => T | undefined): Located<T>[] {
  return items.flatMap((v, i) => {
    const value = read(v, `${path}[${i}]`);
    return value === undefined ? [] : [{ value, path: `${path}[${i}]` }];
  });
}

type LocatedRow = Omit<Row, 'panels'> & { panels: Located<Panel>[] };

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function readTime(root: Reader): Dashboard['time'] | undefined {
  if (!root.has('time')) {
    root.raw('time');
    return { from: 'now-6h', to: 'now' };
  }
  const t = Reader.of(root.raw('time'), 'time', root.errors);
  if (!t) return undefined;
  const from = t.str('from');
  const to = t.str('to');
  t.done();
  if (from === undefined || to === undefined) return undefined;
  const fromErr = timeExprError(from);
  const toErr = timeExprError(to);
  if (fromErr) t.fail('from', fromErr);
  if (toErr) t.fail('to', toErr);
  if (fromErr || toErr) return undefined;
  // Any fixed "now" shows whether the range can be non-empty (relative ranges keep their order over time).
  const r = resolveTimeRange({ from, to }, Date.UTC(2024, 0, 15, 12), 'utc');
  if ('error' in r) root.fail('time', r.error);
  return { from, to };
}

// ---- variables ----

function readVariable(json: unknown, path: string, errors: ValidationError[]): Variable | undefined {
  const r = Reader.of(json, path, errors);
  if (!r) return undefined;
  const name = r.str('name');
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) r.fail('name', 'must be letters, digits and "_", not starting with a digit');
  else if (name?.startsWith('__')) r.fail('name', 'names starting with "__" are reserved for built-in variables');
  const type = r.oneOf('type', VARIABLE_TYPES);
  const common: VariableCommon = {
    name: name ?? '',
    hide: r.oneOf('hide', ['none', 'label', 'variable'] as const, 'none') ?? 'none',
    ...optional('label', r.optStr('label')),
    ...optional('description', r.optStr('description')),
  };
  let v: Variable | undefined;
  switch (type) {
    case 'query': {
      const regex = r.optStr('regex');
      if (regex && !regex.includes('$')) {
        try {
          grafanaRegex(regex);
        } catch (e) {
          r.fail('regex', e instanceof Error ? e.message : String(e));
        }
      }
      v = {
        ...common,
        type,
        query: r.str('query') ?? '',
        ...optional('regex', regex),
        sort: r.oneOf('sort', VARIABLE_SORTS, 'none') ?? 'none',
        refresh: r.oneOf('refresh', ['load', 'timeRange'] as const, 'load') ?? 'load',
        ...selectable(r),
      };
      break;
    }
    case 'custom':
      v = { ...common, type, query: r.str('query') ?? '', ...selectable(r) };
      break;
    case 'constant':
      v = { ...common, type, query: r.str('query') ?? '' };
      break;
    case 'textbox':
      v = { ...common, type, query: r.str('query', '') ?? '', ...optional('current', readCurrent(r)) };
      break;
    case 'interval': {
      const query = r.str('query') ?? '';
      const items = query.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (r.has('query') && items.length === 0) r.fail('query', 'must list at least one interval, e.g. "1m,5m,1h"');
      for (const item of items) {
        const err = intervalError(item);
        if (err) r.fail('query', err);
      }
      const autoMin = r.str('autoMin', '10s') ?? '10s';
      const err = intervalError(autoMin);
      if (err) r.fail('autoMin', err);
      v = {
        ...common,
        type,
        query,
        auto: r.bool('auto', false),
        autoCount: r.num('autoCount', 30, { int: true, min: 1 }) ?? 30,
        autoMin,
        ...optional('current', readCurrent(r)),
      };
      break;
    }
    default:
      break;
  }
  r.done();
  return v;
}

function selectable(r: Reader): { multi: boolean; includeAll: boolean; allValue?: string; current?: VariableValue } {
  return {
    multi: r.bool('multi', false),
    includeAll: r.bool('includeAll', false),
    ...optional('allValue', r.optStr('allValue')),
    ...optional('current', readCurrent(r)),
  };
}

function readCurrent(r: Reader): VariableValue | undefined {
  if (!r.has('current')) return undefined;
  const c = Reader.of(r.raw('current'), r.at('current'), r.errors);
  if (!c) return undefined;
  const text = c.strOrStrings('text');
  const value = c.strOrStrings('value');
  c.done();
  return text === undefined || value === undefined ? undefined : { text, value };
}

function checkVariables(variables: Located<Variable>[], errors: ValidationError[]): void {
  const seen = new Map<string, string>();
  for (const { value: v, path } of variables) {
    const first = seen.get(v.name);
    if (first !== undefined) errors.push({ path: `${path}.name`, message: `duplicate variable name "${v.name}" (also ${first})` });
    else seen.set(v.name, path);
  }
  for (const cycle of dependencyOrder(variables.map((v) => v.value)).cycles) {
    errors.push({ path: `${seen.get(cycle[0])}.query`, message: `dependency cycle: ${cycle.map((n) => '$' + n).join(' → ')}` });
  }
}

// ---- rows and panels ----

function readRow(json: unknown, path: string, errors: ValidationError[]): LocatedRow | undefined {
  const r = Reader.of(json, path, errors);
  if (!r) return undefined;
  const row: LocatedRow = {
    title: r.str('title', '') ?? '',
    collapsed: r.bool('collapsed', false),
    ...optional('repeat', r.optStr('repeat')),
    panels: located(r.array('panels'), `${path}.panels`, (p, at) => readPanel(p, at, errors)),
  };
  r.done();
  return row;
}

function readPanel(json: unknown, path: string, errors: ValidationError[]): Panel | undefined {
  const r = Reader.of(json, path, errors);
  if (!r) return undefined;
  const type = r.oneOf('type', PANEL_TYPES);
  const id = r.num('id', undefined, { int: true, min: 1 });
  const gridPos = readGridPos(r);
  const targets = r.array('targets').flatMap((t, i) => readTarget(t, `${path}.targets[${i}]`, errors) ?? []);
  const refIds = new Map<string, number>();
  targets.forEach((t, i) => {
    const first = refIds.get(t.refId);
    if (first !== undefined) errors.push({ path: `${path}.targets[${i}].refId`, message: `duplicate refId "${t.refId}" (also targets[${first}])` });
    else refIds.set(t.refId, i);
  });
  if (type === 'text' && targets.length > 0) r.fail('targets', 'text panels have no queries');
  const min = r.optNum('min');
  const max = r.optNum('max');
  if (min !== undefined && max !== undefined && min > max) r.fail('max', `must not be below min (${min})`);
  const minInterval = r.optStr('minInterval');
  if (minInterval !== undefined && !minInterval.includes('$')) {
    const err = intervalError(minInterval);
    if (err) r.fail('minInterval', err);
  }
  const common: Omit<PanelCommon, 'id' | 'gridPos'> = {
    title: r.str('title', '') ?? '',
    ...optional('description', r.optStr('description')),
    targets,
    ...optional('unit', r.optStr('unit')),
    ...optional('decimals', r.num('decimals', undefined, { int: true, min: 0, max: 20, optional: true })),
    ...optional('min', min),
    ...optional('max', max),
    ...optional('thresholds', readThresholds(r)),
    ...optional('color', readColor(r)),
    ...optional('minInterval', minInterval),
    ...optional('maxDataPoints', r.num('maxDataPoints', undefined, { int: true, min: 1, optional: true })),
    ...optional('repeat', readRepeat(r)),
  };
  const options = type ? readOptions(r, type) : (r.raw('options'), undefined);
  r.done();
  if (!type || id === undefined || !gridPos || !options) return undefined;
  return { ...common, id, gridPos, type, options } as Panel;
}

function readGridPos(r: Reader): GridPos | undefined {
  const g = Reader.of(r.raw('gridPos'), r.at('gridPos'), r.errors);
  if (!g) return undefined;
  const x = g.num('x', undefined, { int: true, min: 0, max: GRID_COLUMNS - 1 });
  const y = g.num('y', undefined, { int: true, min: 0 });
  const w = g.num('w', undefined, { int: true, min: 1, max: GRID_COLUMNS });
  const h = g.num('h', undefined, { int: true, min: 1 });
  g.done();
  if (x === undefined || y === undefined || w === undefined || h === undefined) return undefined;
  if (x + w > GRID_COLUMNS) g.fail('w', `x + w must be at most ${GRID_COLUMNS} (is ${x + w})`);
  return { x, y, w, h };
}

function readTarget(json: unknown, path: string, errors: ValidationError[]): Target | undefined {
  const r = Reader.of(json, path, errors);
  if (!r) return undefined;
  const refId = r.str('refId');
  if (refId !== undefined && refId.trim() === '') r.fail('refId', 'must not be empty');
  const expr = r.str('expr');
  const minStep = r.optStr('minStep');
  if (minStep !== undefined && !minStep.includes('$')) {
    const err = intervalError(minStep);
    if (err) r.fail('minStep', err);
  }
  const t: Target = {
    refId: refId ?? '',
    expr: expr ?? '',
    ...optional('legendFormat', r.optStr('legendFormat')),
    instant: r.bool('instant', false),
    hide: r.bool('hide', false),
    ...optional('minStep', minStep),
    ...optional('format', r.oneOf('format', ['time_series', 'table', 'heatmap'] as const, undefined, true)),
  };
  r.done();
  return refId === undefined || expr === undefined ? undefined : t;
}

function readThresholds(r: Reader): Thresholds | undefined {
  if (!r.has('thresholds')) return undefined;
  const t = Reader.of(r.raw('thresholds'), r.at('thresholds'), r.errors);
  if (!t) return undefined;
  const mode = t.oneOf('mode', ['absolute', 'percentage'] as const, 'absolute') ?? 'absolute';
  const rawSteps = t.array('steps');
  if (t.has('steps') && rawSteps.length === 0) t.fail('steps', 'must have at least the base step');
  const steps: ThresholdStep[] = [];
  rawSteps.forEach((s, i) => {
    const path = `${t.at('steps')}[${i}]`;
    const sr = Reader.of(s, path, r.errors);
    if (!sr) return;
    const color = sr.str('color');
    if (color !== undefined && color.trim() === '') sr.fail('color', 'must not be empty');
    const rawValue = sr.raw('value');
    let value: number | null = null;
    if (i === 0) {
      if (rawValue !== null && rawValue !== undefined) sr.fail('value', 'the first (base) step must have value null');
    } else if (typeof rawValue !== 'number' || !Number.isFinite(rawValue)) sr.fail('value', 'must be a number');
    else {
      value = rawValue;
      const prev = steps[steps.length - 1]?.value;
      if (typeof prev === 'number' && rawValue < prev) sr.fail('value', `steps must be in ascending order (previous step is ${prev})`);
    }
    sr.done();
    if (color !== undefined) steps.push({ value, color });
  });
  t.done();
  return { mode, steps };
}

function readColor(r: Reader): ColorOptions | undefined {
  if (!r.has('color')) return undefined;
  const c = Reader.of(r.raw('color'), r.at('color'), r.errors);
  if (!c) return undefined;
  const mode = c.oneOf('mode', ['palette', 'thresholds', 'fixed', 'scheme'] as const);
  const fixedColor = c.optStr('fixedColor');
  const scheme = c.optStr('scheme');
  if (mode === 'fixed' && !fixedColor) c.fail('fixedColor', 'is required when mode is "fixed"');
  if (mode === 'scheme' && !scheme) c.fail('scheme', 'is required when mode is "scheme"');
  c.done();
  return mode ? { mode, ...optional('fixedColor', fixedColor), ...optional('scheme', scheme) } : undefined;
}

function readRepeat(r: Reader): PanelRepeat | undefined {
  if (!r.has('repeat')) return undefined;
  const p = Reader.of(r.raw('repeat'), r.at('repeat'), r.errors);
  if (!p) return undefined;
  const variable = p.str('variable');
  const direction = p.oneOf('direction', ['h', 'v'] as const, 'h') ?? 'h';
  const maxPerRow = p.num('maxPerRow', undefined, { int: true, min: 1, max: GRID_COLUMNS, optional: true });
  p.done();
  return variable === undefined ? undefined : { variable, direction, ...optional('maxPerRow', maxPerRow) };
}

function readOptions<T extends PanelType>(r: Reader, type: T): PanelOptionsByType[T] | undefined {
  const defaults = defaultOptions(type);
  if (!r.has('options')) {
    r.raw('options');
    return defaults;
  }
  const o = Reader.of(r.raw('options'), r.at('options'), r.errors);
  if (!o) return undefined;
  const reduce = (): PanelOptionsByType['stat']['reduce'] => o.oneOf('reduce', REDUCE_CALCS, 'lastNotNull') ?? 'lastNotNull';
  let out: PanelOptionsByType[PanelType];
  switch (type) {
    case 'timeseries': {
      const d = defaultOptions('timeseries');
      out = {
        drawStyle: o.oneOf('drawStyle', ['lines', 'points', 'bars'] as const, d.drawStyle) ?? d.drawStyle,
        lineInterpolation: o.oneOf('lineInterpolation', ['linear', 'smooth', 'stepBefore', 'stepAfter'] as const, d.lineInterpolation) ?? d.lineInterpolation,
        lineWidth: o.num('lineWidth', d.lineWidth, { min: 0, max: 10 }) ?? d.lineWidth,
        fillOpacity: o.num('fillOpacity', d.fillOpacity, { min: 0, max: 100 }) ?? d.fillOpacity,
        pointSize: o.num('pointSize', d.pointSize, { min: 1, max: 40 }) ?? d.pointSize,
        showPoints: o.oneOf('showPoints', ['auto', 'always', 'never'] as const, d.showPoints) ?? d.showPoints,
        stacking: o.oneOf('stacking', ['none', 'normal', 'percent'] as const, d.stacking) ?? d.stacking,
        legend: readLegend(o, d.legend),
      };
      break;
    }
    case 'stat': {
      const d = defaultOptions('stat');
      out = {
        reduce: reduce(),
        sparkline: o.bool('sparkline', d.sparkline),
        colorMode: o.oneOf('colorMode', ['value', 'background', 'none'] as const, d.colorMode) ?? d.colorMode,
        textMode: o.oneOf('textMode', ['auto', 'value', 'valueAndName', 'name', 'none'] as const, d.textMode) ?? d.textMode,
        orientation: o.oneOf('orientation', ['auto', 'horizontal', 'vertical'] as const, d.orientation) ?? d.orientation,
      };
      break;
    }
    case 'gauge': {
      const d = defaultOptions('gauge');
      out = { reduce: reduce(), showThresholdMarkers: o.bool('showThresholdMarkers', d.showThresholdMarkers), showThresholdLabels: o.bool('showThresholdLabels', d.showThresholdLabels) };
      break;
    }
    case 'bargauge': {
      const d = defaultOptions('bargauge');
      out = {
        reduce: reduce(),
        displayMode: o.oneOf('displayMode', ['basic', 'gradient', 'lcd'] as const, d.displayMode) ?? d.displayMode,
        orientation: o.oneOf('orientation', ['auto', 'horizontal', 'vertical'] as const, d.orientation) ?? d.orientation,
        showUnfilled: o.bool('showUnfilled', d.showUnfilled),
      };
      break;
    }
    case 'table': {
      let sortBy: { column: string; desc: boolean } | undefined;
      if (o.has('sortBy')) {
        const s = Reader.of(o.raw('sortBy'), o.at('sortBy'), o.errors);
        if (s) {
          const column = s.str('column');
          const desc = s.bool('desc', false);
          s.done();
          if (column !== undefined) sortBy = { column, desc };
        }
      }
      out = { showHeader: o.bool('showHeader', true), ...optional('sortBy', sortBy) };
      break;
    }
    case 'heatmap': {
      const d = defaultOptions('heatmap');
      out = { bucketLabel: o.str('bucketLabel', d.bucketLabel) ?? d.bucketLabel, colorScheme: o.str('colorScheme', d.colorScheme) ?? d.colorScheme, hideZeroBuckets: o.bool('hideZeroBuckets', d.hideZeroBuckets) };
      break;
    }
    case 'text':
      out = { mode: o.oneOf('mode', ['markdown'] as const, 'markdown') ?? 'markdown', content: o.str('content', '') ?? '' };
      break;
    default:
      out = defaults;
  }
  o.done();
  return out as PanelOptionsByType[T];
}

function readLegend(o: Reader, d: PanelOptionsByType['timeseries']['legend']): PanelOptionsByType['timeseries']['legend'] {
  if (!o.has('legend')) {
    o.raw('legend');
    return d;
  }
  const l = Reader.of(o.raw('legend'), o.at('legend'), o.errors);
  if (!l) return d;
  const calcs = l.array('calcs').flatMap((c, i) => {
    if (typeof c === 'string' && (REDUCE_CALCS as readonly string[]).includes(c)) return [c as PanelOptionsByType['stat']['reduce']];
    l.errors.push({ path: `${l.at('calcs')}[${i}]`, message: `must be one of ${REDUCE_CALCS.map((x) => JSON.stringify(x)).join(', ')}` });
    return [];
  });
  const legend = {
    show: l.bool('show', d.show),
    placement: l.oneOf('placement', ['bottom', 'right'] as const, d.placement) ?? d.placement,
    displayMode: l.oneOf('displayMode', ['list', 'table'] as const, d.displayMode) ?? d.displayMode,
    calcs,
  };
  l.done();
  return legend;
}

function checkPanels(panels: Located<Panel>[], rows: Located<LocatedRow>[], variables: Located<Variable>[], errors: ValidationError[]): void {
  const names = new Set(variables.map((v) => v.value.name));
  const ids = new Map<number, string>();
  for (const r of rows) {
    if (r.value.repeat !== undefined && !names.has(r.value.repeat)) errors.push({ path: `${r.path}.repeat`, message: `unknown variable "${r.value.repeat}"` });
  }
  for (const section of [panels, ...rows.map((r) => r.value.panels)]) {
    section.forEach(({ value: p, path }, i) => {
      const other = ids.get(p.id);
      if (other !== undefined) errors.push({ path: `${path}.id`, message: `duplicate panel id ${p.id} (also ${other})` });
      else ids.set(p.id, path);
      if (p.repeat && !names.has(p.repeat.variable)) errors.push({ path: `${path}.repeat.variable`, message: `unknown variable "${p.repeat.variable}"` });
      for (let j = 0; j < i; j++) {
        const q = section[j];
        if (overlaps(p.gridPos, q.value.gridPos)) errors.push({ path: `${path}.gridPos`, message: `overlaps ${q.path} ("${q.value.title}")` });
      }
    });
  }
}

/** Whether two grid rectangles share any cell. */
export function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Reads one JSON object field by field, recording errors by path and flagging properties nobody read. */
class Reader {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly o: Record<string, unknown>,
    readonly path: string,
    readonly errors: ValidationError[],
  ) {}

  static of(v: unknown, path: string, errors: ValidationError[]): Reader | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push({ path, message: v === undefined ? 'is required' : 'must be an object' });
      return undefined;
    }
    return new Reader(v as Record<string, unknown>, path, errors);
  }

  at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  fail(key: string, message: string): void {
    this.errors.push({ path: this.at(key), message });
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.o, key) && this.o[key] !== undefined;
  }

  raw(key: string): unknown {
    this.seen.add(key);
    return this.has(key) ? this.o[key] : undefined;
  }

  /** A required string, or `def` when absent and a default exists. */
  str(key: string, def?: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) {
      if (def === undefined) this.fail(key, 'is required');
      return def;
    }
    if (typeof v !== 'string') {
      this.fail(key, 'must be a string');
      return undefined;
    }
    return v;
  }

  optStr(key: string): string | undefined {
    return this.has(key) ? this.str(key) : (this.raw(key), undefined);
  }

  strArray(key: string): string[] {
    return this.array(key).flatMap((v, i) => {
      if (typeof v === 'string') return [v];
      this.errors.push({ path: `${this.at(key)}[${i}]`, message: 'must be a string' });
      return [];
    });
  }

  strOrStrings(key: string): string | string[] | undefined {
    const v = this.raw(key);
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    this.fail(key, v === undefined ? 'is required' : 'must be a string or an array of strings');
    return undefined;
  }

  bool(key: string, def: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined) return def;
    if (typeof v !== 'boolean') {
      this.fail(key, 'must be true or false');
      return def;
    }
    return v;
  }

  num(key: string, def: number | undefined, opts: { int?: boolean; min?: number; max?: number; optional?: boolean } = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) {
      if (def === undefined && !opts.optional) this.fail(key, 'is required');
      return def;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(key, 'must be a number');
      return undefined;
    }
    if (opts.int && !Number.isInteger(v)) this.fail(key, 'must be a whole number');
    else if (opts.min !== undefined && v < opts.min) this.fail(key, `must be at least ${opts.min}`);
    else if (opts.max !== undefined && v > opts.max) this.fail(key, `must be at most ${opts.max}`);
    else return v;
    return undefined;
  }

  optNum(key: string): number | undefined {
    return this.num(key, undefined, { optional: true });
  }

  oneOf<T extends string>(key: string, values: readonly T[], def?: T, optional = false): T | undefined {
    const v = this.raw(key);
    if (v === undefined) {
      if (def === undefined && !optional) this.fail(key, 'is required');
      return def;
    }
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    this.fail(key, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
    return undefined;
  }

  array(key: string): unknown[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.fail(key, 'must be an array');
      return [];
    }
    return v;
  }

  /** Reports every property that was never read. */
  done(): void {
    for (const k of Object.keys(this.o)) if (!this.seen.has(k)) this.fail(k, 'unknown property');
  }
}
