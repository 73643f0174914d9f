// Checks a query's result, annotations and errors against an eval command's expectations (promqltest/test.go semantics).
import { compareLabels, formatLabels, labelsKey } from '../../shared/model/labels.ts';
import type { Annotations, MatrixSeries, QueryValue } from '../../shared/promql/result.ts';
import { isOrdered, type EvalCommand, type Expectation } from './script.ts';

const MIN_NORMAL = 2.2250738585072014e-308;
/** Relative tolerance of the upstream harness (defaultEpsilon). */
export const EPSILON = 1e-6;

/** Prometheus's almost.Equal: NaN equals NaN, otherwise relative difference below epsilon. */
export function almostEqual(a: number, b: number, epsilon = EPSILON): boolean {
  if (a !== a && b !== b) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Renders a float like Go's %v (strconv 'g' with shortest precision): 1e+06, 0.5, NaN, +Inf. */
export function goFloat(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 21) {
    const s = v.toExponential();
    const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s)!;
    return `${m[1]}e${m[2]}${m[3].padStart(2, '0')}`;
  }
  return String(v);
}

function formatPoints(s: MatrixSeries): string {
  const n = s.points.length;
  return `${n} float point${n === 1 ? '' : 's'} [${s.points.map((p) => `${goFloat(p.v)} @[${p.t}]`).join(' ')}]`;
}

/** The first pair of neighbours out of label order, as an error message, or null. */
export function checkMatrixSorted(m: readonly MatrixSeries[]): string | null {
  for (let i = 0; i + 1 < m.length; i++) {
    if (compareLabels(m[i].labels, m[i + 1].labels) > 0) {
      return `matrix results should always be sorted by labels, but matrix is not sorted: series at index ${i + 1} with labels ${formatLabels(m[i + 1].labels)} sorts before series at index ${i} with labels ${formatLabels(m[i].labels)}`;
    }
  }
  return null;
}

/** Compares a result with the expected series / scalar / string; returns the mismatch or null. */
export function compareResult(cmd: EvalCommand, value: QueryValue): string | null {
  switch (value.resultType) {
    case 'matrix': {
      if (isOrdered(cmd)) return 'expected ordered result, but query returned a matrix';
      if (cmd.expectScalar) return `expected scalar result, but got matrix of ${value.result.length} series`;
      const unsorted = checkMatrixSorted(value.result);
      if (unsorted) return unsorted;
      const seen = new Set<string>();
      for (const s of value.result) {
        const key = labelsKey(s.labels);
        const exp = cmd.expected.get(key);
        if (!exp) return `unexpected metric ${formatLabels(s.labels)} in result, has ${formatPoints(s)}`;
        seen.add(key);
        const want: Array<{ t: number; v: number }> = [];
        for (let i = 0; i < exp.values.length; i++) {
          const t = cmd.startMs + i * cmd.stepMs;
          if (t > cmd.endMs) {
            return `expected ${exp.values.length} points for ${formatLabels(exp.labels)}, but query time range cannot return this many points`;
          }
          const e = exp.values[i];
          if (!e.omitted) want.push({ t, v: e.value });
        }
        if (want.length !== s.points.length) {
          return `expected ${want.length} float points for ${formatLabels(exp.labels)}, but got ${formatPoints(s)}`;
        }
        for (let i = 0; i < want.length; i++) {
          const got = s.points[i];
          if (want[i].t !== got.t) {
            return `expected float value at index ${i} for ${formatLabels(exp.labels)} to have timestamp ${want[i].t}, but it had timestamp ${got.t} (result has ${formatPoints(s)})`;
          }
          if (!almostEqual(got.v, want[i].v)) {
            return `expected float value at index ${i} (t=${got.t}) for ${formatLabels(exp.labels)} to be ${goFloat(want[i].v)}, but got ${goFloat(got.v)} (result has ${formatPoints(s)})`;
          }
        }
      }
      for (const [key, exp] of cmd.expected) {
        if (!seen.has(key)) return `expected metric ${formatLabels(exp.labels)} not found`;
      }
      return null;
    }
    case 'vector': {
      if (cmd.expectScalar) return `expected scalar result, but got vector of ${value.result.length} samples`;
      const seen = new Set<string>();
      const ordered = isOrdered(cmd);
      for (let pos = 0; pos < value.result.length; pos++) {
        const el = value.result[pos];
        const key = labelsKey(el.labels);
        const exp = cmd.expected.get(key);
        if (!exp) return `unexpected metric ${formatLabels(el.labels)} in result, has value ${goFloat(el.v)}`;
        if (ordered && exp.pos !== pos + 1) {
          return `expected metric ${formatLabels(el.labels)} at position ${exp.pos} but was at ${pos + 1}`;
        }
        if (exp.values.length === 0) return `expected metric ${formatLabels(exp.labels)} has no value`;
        const first = exp.values[0];
        const want = first.omitted ? 0 : first.value;
        if (!almostEqual(want, el.v)) return `expected ${goFloat(want)} for ${formatLabels(el.labels)} but got ${goFloat(el.v)}`;
        seen.add(key);
      }
      for (const [key, exp] of cmd.expected) {
        if (!seen.has(key)) {
          const vals = exp.values.map((v) => (v.omitted ? '_' : goFloat(v.value))).join(' ');
          return `expected metric ${formatLabels(exp.labels)} with [${vals}] not found`;
        }
      }
      return null;
    }
    case 'scalar': {
      if (!cmd.expectScalar) return `expected vector or matrix result, but got scalar: ${goFloat(value.result.v)}`;
      if (!almostEqual(cmd.scalar ?? 0, value.result.v)) {
        return `expected scalar ${goFloat(cmd.scalar ?? 0)} but got ${goFloat(value.result.v)}`;
      }
      return null;
    }
    case 'string': {
      const want = cmd.expectedString ?? '';
      return want === value.result.v ? null : `expected string "${want}" but got "${value.result.v}"`;
    }
  }
}

function matches(e: Expectation, s: string): boolean {
  return e.regex ? e.regex.test(s) : e.message === s;
}

function describe(e: Expectation): string {
  return e.regex ? `pattern ${JSON.stringify(e.regex.source)}` : `message ${JSON.stringify(e.message)}`;
}

function checkAnnotationsOfType(expected: Expectation[], actual: string[], type: string, all: Annotations): string | null {
  if (expected.length === 0) return null;
  if (actual.length === 0) return `expected ${type} annotations but none were found`;
  for (const e of expected) {
    if (!actual.some((a) => matches(e, a))) {
      return `expected ${type} annotation matching ${describe(e)} but no matching annotation was found, found: ${JSON.stringify([...all.warnings, ...all.infos])}`;
    }
  }
  for (const a of actual) {
    if (!expected.some((e) => matches(e, a))) return `unexpected ${type} annotation ${JSON.stringify(a)} found`;
  }
  return null;
}

/** Checks warn/info annotations against `expect warn|info|no_warn|no_info` and the deprecated eval_warn/eval_info. */
export function checkAnnotations(cmd: EvalCommand, annotations: Annotations): string | null {
  const { warnings, infos } = annotations;
  if (cmd.legacy.warn && warnings.length === 0) return 'expected warnings but got none';
  if (cmd.legacy.info && infos.length === 0) return 'expected info annotations but got none';
  const warn = checkAnnotationsOfType(cmd.expects.warn, warnings, 'warn', annotations);
  if (warn) return warn;
  const info = checkAnnotationsOfType(cmd.expects.info, infos, 'info', annotations);
  if (info) return info;
  if (cmd.expects.no_warn.length > 0 && warnings.length > 0) return `unexpected warning annotations: ${JSON.stringify(warnings)}`;
  if (cmd.expects.no_info.length > 0 && infos.length > 0) return `unexpected info annotations: ${JSON.stringify(infos)}`;
  return null;
}

/** Checks a query error against `expect fail [msg|regex]` and the deprecated expected_fail_message/regexp. */
export function checkExpectedFailure(cmd: EvalCommand, message: string): string | null {
  if (cmd.expectedFailMessage !== undefined && cmd.expectedFailMessage !== '' && cmd.expectedFailMessage !== message) {
    return `expected error ${JSON.stringify(cmd.expectedFailMessage)}, but got: ${message}`;
  }
  if (cmd.expectedFailRegexp && !cmd.expectedFailRegexp.test(message)) {
    return `expected error matching pattern ${JSON.stringify(cmd.expectedFailRegexp.source)}, but got: ${message}`;
  }
  const e = cmd.expects.fail[0];
  if (e && !matches(e, message)) return `expected error matching ${describe(e)}, but got: ${message}`;
  return null;
}
