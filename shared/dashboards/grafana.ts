// Imports Grafana dashboard JSON (panels/rows schemas, grafana.com exports) into Sightline's model, with a report of what was kept.
import type { ParseOptions } from '../promql/parser.ts';
import { checkDashboardQueries } from './check.ts';
import { datasourceIndex } from './grafana-datasource.ts';
import { arr, num, obj, str, type Json } from './grafana-json.ts';
import { mapPanel } from './grafana-panels.ts';
import { collectFeatures, countPanelTypes, type ImportReport, type PanelReport, type VariableReport } from './grafana-report.ts';
import { mapVariables } from './grafana-variables.ts';
import { intervalError } from './interval.ts';
import { compactLayout } from './layout.ts';
import { DASHBOARD_SCHEMA_VERSION, GRID_COLUMNS, type Dashboard, type GraphTooltip, type GridPos, type Panel, type Row, type Variable } from './model.ts';
import { timeExprError } from './time.ts';
import { validateDashboard } from './validate.ts';
import { dependencyOrder, grafanaRegex } from './variables.ts';

export interface GrafanaImportOptions {
  /** Use this uid instead of the dashboard's own (or one derived from the title). */
  uid?: string;
  /** Parser features for the query check (default: Prometheus's defaults, no experimental features). */
  parseOptions?: ParseOptions;
}

export type GrafanaImportResult = { ok: true; dashboard: Dashboard; report: ImportReport } | { ok: false; error: string };

interface SourcePanel {
  p: Json;
  gridPos: GridPos;
  clamped: boolean;
}

interface Section {
  row?: { title: string; collapsed: boolean; repeat?: string };
  panels: SourcePanel[];
}

/**
 * Converts a Grafana dashboard (the JSON of "Export", a grafana.com download, or the HTTP API's `{dashboard, meta}`)
 * into a valid Sightline dashboard plus a report. Fails only when the input is not a Grafana dashboard at all.
 */
export function importGrafanaDashboard(input: unknown, opts: GrafanaImportOptions = {}): GrafanaImportResult {
  const root = obj(input);
  if (!root) return { ok: false, error: 'not a Grafana dashboard: expected a JSON object' };
  const inner = obj(root.dashboard);
  const dash = inner && (Array.isArray(inner.panels) || Array.isArray(inner.rows)) ? inner : root;
  const legacy = !Array.isArray(dash.panels) && Array.isArray(dash.rows);
  if (!Array.isArray(dash.panels) && !legacy) return { ok: false, error: 'not a Grafana dashboard: it has neither "panels" nor "rows"' };

  const notes: string[] = [];
  const ds = datasourceIndex(dash);
  const vars = mapVariables(obj(dash.templating)?.list, ds);
  const variables = sanitizeVariables(vars.variables, vars.report);
  const names = new Set(variables.map((v) => v.name));

  const sections = legacy ? legacySections(arr(dash.rows)) : modernSections(arr(dash.panels));
  const allSource = sections.flatMap((s) => s.panels);
  let nextId = Math.max(0, ...allSource.map(({ p }) => num(p.id) ?? 0).filter((n) => Number.isInteger(n)));
  const usedIds = new Set<number>();
  const panelReports: PanelReport[] = [];
  const built: { row?: Row; panels: Panel[] }[] = [];

  for (const section of sections) {
    const panels: Panel[] = [];
    for (const sp of section.panels) {
      const title = str(sp.p.title) ?? '';
      const report: PanelReport = { title, sourceType: str(sp.p.type) ?? 'unknown', ...(section.row ? { row: section.row.title } : {}), mapped: false, unmapped: [], notes: [] };
      panelReports.push(report);
      const srcId = num(sp.p.id);
      const id = srcId !== undefined && Number.isInteger(srcId) && srcId >= 1 && !usedIds.has(srcId) ? srcId : ++nextId;
      const panel = mapPanel(sp.p, id, sp.gridPos, report, ds);
      if (!panel) continue;
      usedIds.add(id);
      if (sp.clamped) report.notes.push('grid position adjusted to fit the 24-column grid');
      sanitizePanel(panel, report, names);
      report.mapped = true;
      report.targetType = panel.type;
      report.id = panel.id;
      panels.push(panel);
    }
    const positions = compactLayout(panels.map((p) => p.gridPos));
    panels.forEach((p, i) => (p.gridPos = positions[i]));
    let row: Row | undefined;
    if (section.row) {
      const repeat = section.row.repeat?.replace(/^\$\{?|\}$/g, '');
      if (repeat !== undefined && !names.has(repeat)) notes.push(`row ${JSON.stringify(section.row.title)}: repeat by undefined variable $${repeat} dropped`);
      row = { title: section.row.title, collapsed: section.row.collapsed, ...(repeat !== undefined && names.has(repeat) ? { repeat } : {}), panels };
    }
    built.push({ ...(row ? { row } : {}), panels });
  }

  const title = str(dash.title) ?? 'Imported dashboard';
  const dashboard: Dashboard = {
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    uid: opts.uid ?? validUid(dash.uid) ?? slugUid(title),
    title,
    ...(str(dash.description) ? { description: str(dash.description) } : {}),
    tags: arr(dash.tags).filter((t): t is string => typeof t === 'string'),
    time: mapTime(dash.time, notes),
    refresh: mapRefresh(dash.refresh, notes),
    timezone: mapTimezone(dash.timezone, notes),
    graphTooltip: (['default', 'sharedCrosshair', 'sharedTooltip'] as const)[num(dash.graphTooltip) ?? 0] ?? ('default' as GraphTooltip),
    variables,
    panels: built.filter((b) => !b.row).flatMap((b) => b.panels),
    rows: built.flatMap((b) => (b.row ? [b.row] : [])),
  };
  const annotations = arr(obj(dash.annotations)?.list).filter((a) => obj(a)?.builtIn !== 1);
  if (annotations.length > 0) notes.push(`${annotations.length} annotation quer${annotations.length === 1 ? 'y' : 'ies'} not mapped`);
  if (arr(dash.links).length > 0) notes.push(`${arr(dash.links).length} dashboard link${arr(dash.links).length === 1 ? '' : 's'} not mapped`);

  const valid = validateDashboard(dashboard);
  if (!valid.dashboard) {
    return { ok: false, error: `the converted dashboard is not valid (please report this): ${valid.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}` };
  }
  const check = checkDashboardQueries(valid.dashboard, opts.parseOptions ? { parseOptions: opts.parseOptions } : {});
  const mapped = panelReports.filter((p) => p.mapped);
  const report: ImportReport = {
    title,
    uid: dashboard.uid,
    source: { ...(num(dash.schemaVersion) !== undefined ? { schemaVersion: num(dash.schemaVersion) } : {}), layout: legacy ? 'rows' : 'panels' },
    panels: panelReports,
    rows: dashboard.rows.map((r) => ({ title: r.title, collapsed: r.collapsed, panels: r.panels.length })),
    variables: vars.report,
    queryIssues: check.issues,
    panelTypes: countPanelTypes(panelReports),
    unmappedFeatures: collectFeatures(panelReports),
    notes,
    summary: {
      panelsMapped: mapped.length,
      panelsPartial: mapped.filter((p) => p.unmapped.length > 0).length,
      panelsNotMapped: panelReports.length - mapped.length,
      variablesMapped: vars.report.filter((v) => v.mapped).length,
      variablesDropped: vars.report.filter((v) => !v.mapped).length,
      queries: check.checked,
      queryErrors: check.issues.length,
    },
  };
  return { ok: true, dashboard: valid.dashboard, report };
}

/** Drops what the validator would reject in otherwise usable variables (bad regex, bad intervals, dependency cycles). */
function sanitizeVariables(variables: Variable[], report: VariableReport[]): Variable[] {
  const entry = (name: string): VariableReport | undefined => report.find((r) => r.name === name && r.mapped);
  const remark = (name: string, text: string): void => {
    const e = entry(name);
    if (e) e.note = e.note ? `${e.note}; ${text}` : text;
  };
  const out: Variable[] = [];
  for (const v of variables) {
    if (v.type === 'query' && v.regex && !v.regex.includes('$')) {
      try {
        grafanaRegex(v.regex);
      } catch (e) {
        remark(v.name, `regex dropped: ${e instanceof Error ? e.message : String(e)}`);
        delete v.regex;
      }
    }
    if (v.type === 'interval') {
      const items = v.query.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const good = items.filter((s) => intervalError(s) === undefined);
      if (good.length < items.length) remark(v.name, `invalid intervals dropped: ${items.filter((s) => !good.includes(s)).join(', ')}`);
      if (good.length === 0) {
        const e = entry(v.name);
        if (e) Object.assign(e, { mapped: false, note: 'no valid intervals' });
        continue;
      }
      v.query = good.join(',');
      if (intervalError(v.autoMin)) v.autoMin = '10s';
    }
    out.push(v);
  }
  const cyclic = new Set(dependencyOrder(out).cycles.flat());
  for (const name of cyclic) {
    const e = entry(name);
    if (e) Object.assign(e, { mapped: false, note: 'part of a dependency cycle between variables' });
  }
  return out.filter((v) => !cyclic.has(v.name));
}

/** Fixes fields the validator would reject and drops repeats by variables that were not imported. */
function sanitizePanel(panel: Panel, report: PanelReport, names: ReadonlySet<string>): void {
  if (panel.minInterval && !panel.minInterval.includes('$') && intervalError(panel.minInterval)) {
    report.notes.push(`min interval ${JSON.stringify(panel.minInterval)} is not an interval and was dropped`);
    delete panel.minInterval;
  }
  for (const t of panel.targets) {
    if (t.minStep && !t.minStep.includes('$') && intervalError(t.minStep)) {
      report.notes.push(`query ${t.refId}: min step ${JSON.stringify(t.minStep)} is not an interval and was dropped`);
      delete t.minStep;
    }
  }
  if (panel.repeat && !names.has(panel.repeat.variable)) {
    report.unmapped.push(`repeat by undefined variable $${panel.repeat.variable}`);
    delete panel.repeat;
  }
}

function gridOf(p: Json): { gridPos: GridPos; clamped: boolean } {
  const g = obj(p.gridPos) ?? {};
  const raw = { x: num(g.x) ?? 0, y: num(g.y) ?? 0, w: num(g.w) ?? 12, h: num(g.h) ?? 8 };
  const x = Math.min(GRID_COLUMNS - 1, Math.max(0, Math.round(raw.x)));
  const w = Math.min(GRID_COLUMNS - x, Math.max(1, Math.round(raw.w)));
  const gridPos = { x, y: Math.max(0, Math.round(raw.y)), w, h: Math.max(1, Math.round(raw.h)) };
  return { gridPos, clamped: gridPos.x !== raw.x || gridPos.w !== raw.w || gridPos.y !== raw.y || gridPos.h !== raw.h };
}

/** The `panels` schema: top-level panels in grid order; a row panel starts a section (collapsed rows carry their panels). */
function modernSections(list: unknown[]): Section[] {
  const items = list
    .map((v, i) => ({ p: obj(v), i }))
    .filter((x): x is { p: Json; i: number } => x.p !== undefined)
    .map((x) => ({ ...x, ...gridOf(x.p) }))
    .sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x || a.i - b.i);
  const sections: Section[] = [{ panels: [] }];
  for (const it of items) {
    if (it.p.type === 'row') {
      const repeat = str(it.p.repeat);
      const section: Section = { row: { title: str(it.p.title) ?? '', collapsed: it.p.collapsed === true, ...(repeat ? { repeat } : {}) }, panels: [] };
      // A collapsed row keeps its panels inside; an expanded one is followed by them.
      const nested = arr(it.p.panels)
        .map((v) => obj(v))
        .filter((p): p is Json => p !== undefined)
        .map((p) => ({ p, ...gridOf(p) }))
        .sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
      section.panels.push(...nested);
      sections.push(section);
    } else sections[sections.length - 1].panels.push({ p: it.p, gridPos: it.gridPos, clamped: it.clamped });
  }
  for (const s of sections) {
    const minY = Math.min(...s.panels.map((p) => p.gridPos.y));
    for (const p of s.panels) p.gridPos = { ...p.gridPos, y: p.gridPos.y - minY };
  }
  return sections.filter((s, i) => i > 0 || s.panels.length > 0);
}

/** Grafana's old row height (px or "250px") in grid units: at least 90 px, 38 px per unit (30 px cell + 8 px margin). */
function gridHeight(h: unknown): number {
  const px = typeof h === 'string' ? parseInt(h.replace('px', ''), 10) : (num(h) ?? 250);
  return Math.ceil(Math.max(Number.isFinite(px) ? px : 250, 90) / 38);
}

/** The pre-5.0 `rows` schema: panels sized by `span` (of 12) flowing left to right; rows become sections only if any was visible. */
function legacySections(rows: unknown[]): Section[] {
  const showRows = rows.some((r) => {
    const o = obj(r);
    return o !== undefined && (o.collapse === true || o.showTitle === true || str(o.repeat) !== undefined);
  });
  const sections: Section[] = [];
  const top: Section = { panels: [] };
  let topY = 0;
  for (const r of rows) {
    const row = obj(r);
    if (!row) continue;
    const rowH = gridHeight(row.height);
    const panels: SourcePanel[] = [];
    let x = 0;
    let y = 0;
    let lineH = 0;
    for (const v of arr(row.panels)) {
      const p = obj(v);
      if (!p) continue;
      const w = Math.min(GRID_COLUMNS, Math.max(1, Math.floor(num(p.span) ?? 12) * 2));
      const h = p.height !== undefined ? gridHeight(p.height) : rowH;
      if (x + w > GRID_COLUMNS) {
        x = 0;
        y += lineH;
        lineH = 0;
      }
      panels.push({ p, gridPos: { x, y, w, h }, clamped: false });
      x += w;
      lineH = Math.max(lineH, h);
    }
    const height = y + lineH;
    if (showRows) {
      const repeat = str(row.repeat);
      sections.push({ row: { title: str(row.title) ?? '', collapsed: row.collapse === true, ...(repeat ? { repeat } : {}) }, panels });
    } else {
      for (const sp of panels) top.panels.push({ ...sp, gridPos: { ...sp.gridPos, y: sp.gridPos.y + topY } });
      topY += height;
    }
  }
  return showRows ? sections : [top];
}

function validUid(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(v) ? v : undefined;
}

/** A uid from the title: lowercase words joined by dashes, at most 40 characters. */
export function slugUid(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? 'imported' : slug;
}

function mapTime(v: unknown, notes: string[]): Dashboard['time'] {
  const t = obj(v);
  const from = str(t?.from);
  const to = str(t?.to);
  if (from && to && !timeExprError(from) && !timeExprError(to)) return { from, to };
  if (t) notes.push(`time range ${JSON.stringify(v)} not understood; using now-6h to now`);
  return { from: 'now-6h', to: 'now' };
}

function mapRefresh(v: unknown, notes: string[]): string {
  const s = str(v);
  if (!s) return '';
  if (intervalError(s)) {
    notes.push(`refresh ${JSON.stringify(s)} is not an interval; auto-refresh off`);
    return '';
  }
  return s;
}

function mapTimezone(v: unknown, notes: string[]): string {
  const s = str(v);
  if (!s || s === 'browser') return 'browser';
  if (s === 'utc') return 'utc';
  try {
    new Intl.DateTimeFormat('en', { timeZone: s });
    return s;
  } catch {
    notes.push(`time zone ${JSON.stringify(s)} unknown; using the browser's`);
    return 'browser';
  }
}
