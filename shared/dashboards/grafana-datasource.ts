// Which Grafana data source a panel, query or variable uses: Prometheus (kept), mixed, or another kind (not importable).
import { arr, obj, str, type Json } from './grafana-json.ts';

export type DatasourceKind = { kind: 'prometheus' } | { kind: 'mixed' } | { kind: 'other'; name: string };

/** What the dashboard says about its data sources: `__inputs` (`DS_PROMETHEUS` → plugin) and datasource variables. */
export interface DatasourceIndex {
  inputs: ReadonlyMap<string, string>;
  variables: ReadonlyMap<string, string>;
}

/** Collects `__inputs` of type datasource and `datasource`-type template variables (their query is the plugin id). */
export function datasourceIndex(dash: Json): DatasourceIndex {
  const inputs = new Map<string, string>();
  for (const i of arr(dash.__inputs)) {
    const o = obj(i);
    const name = str(o?.name);
    if (o && name && o.type === 'datasource') inputs.set(name, str(o.pluginId) ?? 'prometheus');
  }
  const variables = new Map<string, string>();
  for (const v of arr(obj(dash.templating)?.list)) {
    const o = obj(v);
    const name = str(o?.name);
    if (o && name && o.type === 'datasource') variables.set(name, str(o.query) ?? 'prometheus');
  }
  return { inputs, variables };
}

const PROMETHEUS_LIKE = new Set(['prometheus', 'grafana-amazonprometheus-datasource', 'grafana-azureprometheus-datasource']);

function fromPlugin(plugin: string, name: string): DatasourceKind {
  return PROMETHEUS_LIKE.has(plugin) ? { kind: 'prometheus' } : { kind: 'other', name };
}

/**
 * Classifies a `datasource` field: null/absent (the default data source) and unknown names count as Prometheus;
 * `${DS_X}`/`$var` resolve through inputs and datasource variables; `-- Mixed --` is mixed; `-- Grafana --`,
 * `-- Dashboard --` and non-Prometheus plugin types are other.
 */
export function classifyDatasource(ds: unknown, index: DatasourceIndex): DatasourceKind {
  if (ds === undefined || ds === null) return { kind: 'prometheus' };
  if (typeof ds === 'string') return classifyName(ds, index);
  const o = obj(ds);
  if (!o) return { kind: 'prometheus' };
  const type = str(o.type);
  const uid = str(o.uid);
  if (uid === '-- Mixed --' || (type === 'datasource' && uid === '-- Mixed --')) return { kind: 'mixed' };
  if (type === 'datasource' || type === 'grafana' || uid === 'grafana' || uid === '-- Grafana --' || uid === '-- Dashboard --') {
    return { kind: 'other', name: uid ?? type ?? 'grafana' };
  }
  if (type && !type.includes('$')) return fromPlugin(type, type);
  return uid ? classifyName(uid, index) : { kind: 'prometheus' };
}

function classifyName(name: string, index: DatasourceIndex): DatasourceKind {
  if (name === '-- Mixed --') return { kind: 'mixed' };
  if (name === '-- Grafana --' || name === '-- Dashboard --' || name === 'grafana') return { kind: 'other', name };
  const ref = /^\$\{?(\w+)\}?$/.exec(name);
  if (ref) {
    const plugin = index.inputs.get(ref[1]) ?? index.variables.get(ref[1]);
    return plugin ? fromPlugin(plugin, name) : { kind: 'prometheus' };
  }
  return { kind: 'prometheus' };
}
