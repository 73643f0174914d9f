// Maps Grafana templating variables (query, custom, constant, interval, textbox) to Sightline variables; drops the rest with a reason.
import { classifyDatasource, type DatasourceIndex } from './grafana-datasource.ts';
import { arr, bool, num, obj, str, type Json } from './grafana-json.ts';
import type { VariableReport } from './grafana-report.ts';
import { VARIABLE_SORTS, type Variable, type VariableCommon, type VariableHide, type VariableValue } from './model.ts';

const HIDE: readonly VariableHide[] = ['none', 'label', 'variable'];

/** Converts `templating.list`; returns the variables kept and a report line for every source variable. */
export function mapVariables(list: unknown, ds: DatasourceIndex): { variables: Variable[]; report: VariableReport[] } {
  const variables: Variable[] = [];
  const report: VariableReport[] = [];
  const names = new Set<string>();
  for (const item of arr(list)) {
    const v = obj(item);
    if (!v) continue;
    const name = str(v.name) ?? '';
    const type = str(v.type) ?? 'query';
    const drop = (note: string): void => void report.push({ name, sourceType: type, mapped: false, note });
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.startsWith('__')) {
      drop(`variable name ${JSON.stringify(name)} is not usable in Sightline`);
      continue;
    }
    if (names.has(name)) {
      drop('duplicate variable name; the first definition is kept');
      continue;
    }
    const mapped = mapVariable(v, name, type, ds);
    if ('note' in mapped) {
      drop(mapped.note);
      continue;
    }
    names.add(name);
    variables.push(mapped.variable);
    report.push({ name, sourceType: type, mapped: true, targetType: mapped.variable.type, ...(mapped.remark ? { note: mapped.remark } : {}) });
  }
  return { variables, report };
}

function mapVariable(v: Json, name: string, type: string, ds: DatasourceIndex): { variable: Variable; remark?: string } | { note: string } {
  const common: VariableCommon = {
    name,
    hide: HIDE[num(v.hide) ?? 0] ?? 'none',
    ...(str(v.label) ? { label: str(v.label) } : {}),
    ...(str(v.description) ? { description: str(v.description) } : {}),
  };
  const current = mapCurrent(v.current);
  const selection = {
    multi: bool(v.multi) ?? false,
    includeAll: bool(v.includeAll) ?? false,
    ...(str(v.allValue) ? { allValue: str(v.allValue) } : {}),
    ...(current ? { current } : {}),
  };
  switch (type) {
    case 'query': {
      const kind = classifyDatasource(v.datasource, ds);
      if (kind.kind === 'other') return { note: `queries data source ${JSON.stringify(kind.name)}, which is not Prometheus` };
      const query = queryText(v);
      if (query === undefined) return { note: 'has no query' };
      const sortIndex = num(v.sort) ?? 0;
      const remarks: string[] = [];
      if (sortIndex < 0 || sortIndex >= VARIABLE_SORTS.length) remarks.push(`unknown sort ${sortIndex}, options left unsorted`);
      if (isSetArray(v.tags) || bool(v.useTags)) remarks.push('tag queries are not supported');
      return {
        variable: {
          ...common,
          type: 'query',
          query,
          ...(str(v.regex) ? { regex: str(v.regex) } : {}),
          sort: VARIABLE_SORTS[sortIndex] ?? 'none',
          refresh: num(v.refresh) === 2 ? 'timeRange' : 'load',
          ...selection,
        },
        ...(remarks.length ? { remark: remarks.join('; ') } : {}),
      };
    }
    case 'custom':
      return { variable: { ...common, type: 'custom', query: str(v.query) ?? optionsAsQuery(v.options), ...selection } };
    case 'constant':
      return { variable: { ...common, type: 'constant', query: str(v.query) ?? '' } };
    case 'textbox':
      return { variable: { ...common, type: 'textbox', query: str(v.query) ?? '', ...(current ? { current } : {}) } };
    case 'interval': {
      const query = str(v.query) ?? optionsAsQuery(v.options);
      if (query.trim() === '') return { note: 'has no intervals' };
      return {
        variable: {
          ...common,
          type: 'interval',
          query,
          auto: bool(v.auto) ?? false,
          autoCount: Math.max(1, Math.round(num(v.auto_count) ?? 30)),
          autoMin: str(v.auto_min) ?? '10s',
          ...(current ? { current } : {}),
        },
      };
    }
    case 'datasource':
      return { note: 'Sightline has one data source (the gateway), so data source variables are dropped; references to it in data source fields are ignored' };
    case 'adhoc':
      return { note: 'ad hoc filters are not supported' };
    default:
      return { note: `variable type ${JSON.stringify(type)} is not supported` };
  }
}

function isSetArray(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

/** The query string: a plain string, `{query: ...}` (Grafana 10+), `definition`, or rebuilt from the visual editor's fields. */
function queryText(v: Json): string | undefined {
  if (typeof v.query === 'string' && v.query.trim() !== '') return v.query;
  const q = obj(v.query);
  if (q) {
    if (typeof q.query === 'string' && q.query.trim() !== '') return q.query;
    // Grafana's visual variable editor: 0 label names, 1 label values, 2 metrics, 3 query result, 4 series.
    const label = str(q.label);
    const metric = str(q.metric);
    switch (num(q.qryType)) {
      case 0:
        return 'label_names()';
      case 1:
        if (label) return metric ? `label_values(${metric}, ${label})` : `label_values(${label})`;
        break;
      case 2:
        return `metrics(${metric ?? '.*'})`;
      case 3:
        if (str(q.varQuery)) return `query_result(${str(q.varQuery)})`;
        break;
      case 4:
        if (str(q.seriesQuery)) return str(q.seriesQuery);
        break;
    }
  }
  const def = str(v.definition);
  return def && def.trim() !== '' ? def : undefined;
}

function optionsAsQuery(options: unknown): string {
  return arr(options)
    .map((o) => str(obj(o)?.value))
    .filter((s): s is string => s !== undefined && s !== '$__all' && !s.startsWith('$__auto'))
    .map((s) => s.replace(/,/g, '\\,'))
    .join(',');
}

/** Grafana's `current` ({text, value}, strings or arrays; sometimes `{}`) as a Sightline selection. */
function mapCurrent(c: unknown): VariableValue | undefined {
  const o = obj(c);
  if (!o) return undefined;
  const norm = (v: unknown): string | string[] | undefined => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String);
    return undefined;
  };
  const value = norm(o.value);
  if (value === undefined) return undefined;
  const text = norm(o.text) ?? value;
  return { text, value };
}
