// The dashboards package's public surface: model, validation, variables, timing, formatting, layout and Grafana import.
export * from './model.ts';
export { parseDashboard, validateDashboard, overlaps, type ValidationError, type ValidationResult } from './validate.ts';
export { parseTimeExpr, resolveTime, resolveTimeRange, timeExprError, type TimeExpr } from './time.ts';
export { parseInterval, intervalError, formatIntervalHms, formatPromSeconds, roundInterval } from './interval.ts';
export {
  interpolate,
  findReferences,
  referencedVariables,
  promRegexEscape,
  promRegexValues,
  promRegularEscape,
  regexEscape,
  type DefaultFormat,
  type Interpolated,
  type Scope,
  type ScopeValue,
} from './interpolate.ts';
export {
  autoIntervalFor,
  autoIntervalValue,
  builtinScope,
  customOptions,
  dependencyOrder,
  dependents,
  extractOptions,
  grafanaRegex,
  isAllSelected,
  parseVariableQuery,
  queryResultTexts,
  rangeBuiltins,
  resolveVariables,
  selectValue,
  selectedOptions,
  seriesText,
  sortOptions,
  variableDependencies,
  variableQueryBuiltins,
  variableQueryPromQL,
  variableScope,
  type RefreshTrigger,
  type TimeWindow,
  type VariableContext,
  type VariableQuery,
  type VariableResolver,
  type VariableState,
  type VariableStates,
} from './variables.ts';
export { DEFAULT_SCRAPE_INTERVAL, PROMETHEUS_MAX_POINTS, panelInterval, queryTiming, type QueryTiming, type QueryTimingInput } from './step.ts';
export {
  UNIT_CATEGORIES,
  binaryPrefix,
  countUnit,
  fixedUnit,
  formatValue,
  formatValueText,
  formattedToString,
  getUnitFormatter,
  isKnownUnit,
  scaledUnits,
  siPrefix,
  toFixed,
  toSeconds,
  type FormattedValue,
  type UnitCategory,
  type UnitInfo,
  type ValueFormatter,
} from './units.ts';
export { renderLegendFormat, seriesDisplayName } from './legend.ts';
export { REDUCER_NAMES, reduceValues } from './reduce.ts';
export { activeThreshold, displayValue, type DisplayValue } from './display.ts';
export { compactLayout, layoutDashboard, type DashboardLayout, type LaidOutPanel, type LaidOutRow } from './layout.ts';
export { classicHeatmaps, type BucketSeries, type Heatmap } from './heatmap.ts';
export { checkDashboardQueries, sampleScope, type QueryCheckOptions, type QueryIssue } from './check.ts';
export { importGrafanaDashboard, slugUid, type GrafanaImportOptions, type GrafanaImportResult } from './grafana.ts';
export { collectFeatures, countPanelTypes, formatImportReport, type ImportReport, type PanelReport, type VariableReport } from './grafana-report.ts';
