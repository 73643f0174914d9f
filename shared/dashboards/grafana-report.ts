// What a Grafana import kept and dropped, panel by panel and variable by variable, and its human-readable rendering.
import type { QueryIssue } from './check.ts';
import type { PanelType, VariableType } from './model.ts';

export interface PanelReport {
  title: string;
  /** The Grafana panel type (`graph`, `singlestat`, `piechart`, ...). */
  sourceType: string;
  /** Title of the row the panel sits in, when any. */
  row?: string;
  mapped: boolean;
  targetType?: PanelType;
  /** The Sightline panel id when mapped. */
  id?: number;
  /** Features present in the source that the Sightline panel does not carry (`overrides`, `transformations`, `links`, ...). */
  unmapped: string[];
  /** Why the panel was not imported. */
  reason?: string;
  /** Other remarks (clamped grid position, dropped empty queries, ...). */
  notes: string[];
}

export interface VariableReport {
  name: string;
  sourceType: string;
  mapped: boolean;
  targetType?: VariableType;
  note?: string;
}

export interface ImportReport {
  title: string;
  uid: string;
  source: { schemaVersion?: number; layout: 'panels' | 'rows' };
  panels: PanelReport[];
  rows: { title: string; collapsed: boolean; panels: number }[];
  variables: VariableReport[];
  /** Queries that fail to parse (or use undefined variables) after sample interpolation. */
  queryIssues: QueryIssue[];
  /** Source panel types with how many panels of each were mapped, most frequent first. */
  panelTypes: { sourceType: string; mapped: number; notMapped: number }[];
  /** Each unmapped feature with the titles of the panels that use it. */
  unmappedFeatures: { feature: string; panels: string[] }[];
  /** Dashboard-level remarks (annotations, links, time settings that could not be kept). */
  notes: string[];
  summary: {
    panelsMapped: number;
    /** Mapped panels that lost at least one feature. */
    panelsPartial: number;
    panelsNotMapped: number;
    variablesMapped: number;
    variablesDropped: number;
    queries: number;
    queryErrors: number;
  };
}

/** Counts source panel types, mapped and not, most frequent first (ties by name). */
export function countPanelTypes(panels: readonly PanelReport[]): { sourceType: string; mapped: number; notMapped: number }[] {
  const byType = new Map<string, { sourceType: string; mapped: number; notMapped: number }>();
  for (const p of panels) {
    const e = byType.get(p.sourceType) ?? { sourceType: p.sourceType, mapped: 0, notMapped: 0 };
    if (p.mapped) e.mapped++;
    else e.notMapped++;
    byType.set(p.sourceType, e);
  }
  return [...byType.values()].sort((a, b) => b.mapped + b.notMapped - (a.mapped + a.notMapped) || (a.sourceType < b.sourceType ? -1 : 1));
}

/** Groups unmapped features across panels, in first-seen order. */
export function collectFeatures(panels: readonly PanelReport[]): { feature: string; panels: string[] }[] {
  const byFeature = new Map<string, string[]>();
  for (const p of panels) {
    for (const f of p.unmapped) {
      const list = byFeature.get(f) ?? [];
      list.push(p.title || `(untitled ${p.sourceType})`);
      byFeature.set(f, list);
    }
  }
  return [...byFeature].map(([feature, titles]) => ({ feature, panels: titles }));
}

const q = (s: string): string => JSON.stringify(s);

/** The report as indented text lines for a terminal. */
export function formatImportReport(r: ImportReport): string[] {
  const s = r.summary;
  const lines: string[] = [];
  lines.push(
    `${q(r.title)} (uid ${r.uid}): ${s.panelsMapped} panels mapped${s.panelsPartial ? ` (${s.panelsPartial} partially)` : ''}, ${s.panelsNotMapped} not mapped; ` +
      `${s.variablesMapped} variables mapped, ${s.variablesDropped} dropped; ${s.queries} queries checked, ${s.queryErrors} with problems`,
  );
  if (r.panelTypes.length > 0) {
    lines.push(`  Panel types: ${r.panelTypes.map((t) => `${t.sourceType} ${t.mapped + t.notMapped}${t.notMapped ? ` (${t.notMapped} not mapped)` : ''}`).join(', ')}`);
  }
  const notMapped = r.panels.filter((p) => !p.mapped);
  if (notMapped.length > 0) {
    lines.push('  Panels not mapped:');
    for (const p of notMapped) lines.push(`    - ${q(p.title)} (${p.sourceType}): ${p.reason ?? 'not supported'}`);
  }
  if (r.unmappedFeatures.length > 0) {
    lines.push('  Features not mapped:');
    for (const f of r.unmappedFeatures) lines.push(`    - ${f.feature}: ${f.panels.map(q).join(', ')}`);
  }
  const dropped = r.variables.filter((v) => !v.mapped);
  if (dropped.length > 0) {
    lines.push('  Variables dropped:');
    for (const v of dropped) lines.push(`    - $${v.name} (${v.sourceType}): ${v.note ?? 'not supported'}`);
  }
  const notes = [...r.notes, ...r.panels.flatMap((p) => p.notes.map((n) => `${q(p.title)}: ${n}`))];
  if (notes.length > 0) {
    lines.push('  Notes:');
    for (const n of notes) lines.push(`    - ${n}`);
  }
  if (r.queryIssues.length > 0) {
    lines.push('  Query problems (after interpolating sample variable values):');
    for (const i of r.queryIssues) {
      const where = i.where === 'panel' ? `${q(i.title)} ${i.refId ?? ''}`.trim() : `variable $${i.title}`;
      lines.push(`    - ${where}: ${i.error}`);
      lines.push(`        ${i.interpolated.replace(/\n/g, '\n        ')}`);
    }
  }
  return lines;
}
