// Reads the PromQL compliance tester's query list and expands its `{{.arg}}` templates into concrete queries.
import { parse as parseYaml } from 'yaml';

/**
 * The values the compliance tester substitutes for each variant argument (prometheus/compliance
 * promql/testcases/expand.go); the query file itself names the arguments but not their values.
 */
export const VARIANT_VALUES: Readonly<Record<string, readonly string[]>> = {
  range: ['1s', '15s', '1m', '5m', '15m', '1h'],
  offset: ['1m', '5m', '10m'],
  simpleAggrOp: ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar'],
  simpleTimeAggrOp: ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar', 'absent', 'last'],
  topBottomOp: ['topk', 'bottomk'],
  quantile: ['-0.5', '0.1', '0.5', '0.75', '0.95', '0.90', '0.99', '1', '1.5'],
  arithBinOp: ['+', '-', '*', '/', '%', '^'],
  compBinOp: ['==', '!=', '<', '>', '<=', '>='],
  binOp: ['+', '-', '*', '/', '%', '^', '==', '!=', '<', '>', '<=', '>='],
  simpleMathFunc: ['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'round'],
  extrapolatedRateFunc: ['delta', 'rate', 'increase'],
  clampFunc: ['clamp_min', 'clamp_max'],
  instantRateFunc: ['idelta', 'irate'],
  dateFunc: ['day_of_month', 'day_of_week', 'days_in_month', 'hour', 'minute', 'month', 'year'],
  smoothingFactor: ['0.1', '0.5', '0.8'],
  trendFactor: ['0.1', '0.5', '0.8'],
};

/** One concrete query to compare. */
export interface ComplianceCase {
  query: string;
  shouldFail: boolean;
  skipComparison: boolean;
}

interface RawCase {
  query?: unknown;
  variant_args?: unknown;
  should_fail?: unknown;
  skip_comparison?: unknown;
}

/** Every combination of the named arguments' values substituted into `template`, first argument varying slowest. */
export function expandTemplate(template: string, args: readonly string[]): string[] {
  if (args.length === 0) {
    const left = /\{\{\s*\.(\w+)\s*\}\}/.exec(template);
    if (left) throw new Error(`query ${JSON.stringify(template)} uses {{.${left[1]}}} without naming it in variant_args`);
    return [template];
  }
  const [first, ...rest] = args;
  const values = VARIANT_VALUES[first];
  if (!values) throw new Error(`unknown variant argument ${JSON.stringify(first)}`);
  const placeholder = new RegExp(`\\{\\{\\s*\\.${first}\\s*\\}\\}`, 'g');
  return values.flatMap((v) => expandTemplate(template.replace(placeholder, v), rest.filter((a) => a !== first)));
}

/** Parses the YAML query list (`test_cases: [{query, variant_args?, should_fail?, skip_comparison?}]`) and expands it. */
export function readComplianceCases(yamlText: string): ComplianceCase[] {
  const doc = parseYaml(yamlText) as { test_cases?: unknown };
  if (!Array.isArray(doc?.test_cases)) throw new Error('query list has no test_cases array');
  const out: ComplianceCase[] = [];
  for (const raw of doc.test_cases as RawCase[]) {
    const q = raw.query;
    if (typeof q !== 'string' && typeof q !== 'number') throw new Error(`test case without a query: ${JSON.stringify(raw)}`);
    const args = Array.isArray(raw.variant_args) ? raw.variant_args.map(String) : [];
    for (const query of expandTemplate(String(q), args)) {
      out.push({ query, shouldFail: raw.should_fail === true, skipComparison: raw.skip_comparison === true });
    }
  }
  return out;
}
