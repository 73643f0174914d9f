// Parses promqltest scripts (load / clear / eval with expect lines) into commands, as Prometheus's promqltest/test.go does.
import { labelsKey, type Labels } from '../../shared/model/labels.ts';
import { parseDuration } from '../../shared/promql/durations.ts';
import {
  NotationError,
  parseGoNumber,
  parseLabels,
  parseSeriesDesc,
  parseStartTimestamps,
  unquote,
  type SequenceValue,
} from './series.ts';

export interface LoadSeries {
  labels: Labels;
  values: SequenceValue[];
  /** Start-time offsets (ms relative to each sample) from an `@st` line, per position. */
  startOffsets?: Array<number | undefined>;
}

export interface LoadCommand {
  kind: 'load';
  line: number;
  intervalMs: number;
  /** `load_with_nhcb`: classic histograms are also converted to native histograms with custom buckets. */
  withNhcb: boolean;
  /** True when some series is given with native-histogram literals (`{{...}}`). */
  histograms: boolean;
  series: LoadSeries[];
  /** A standalone `@st` line: offsets cycled over series without their own `@st` line. */
  defaultStartOffsets?: Array<number | undefined>;
}

export interface ClearCommand {
  kind: 'clear';
  line: number;
}

/** An `expect <type> [msg|regex]: ...` line. */
export interface Expectation {
  message?: string;
  regex?: RegExp;
}

export type ExpectType = 'fail' | 'warn' | 'info' | 'no_warn' | 'no_info' | 'ordered';

export interface ExpectedSeries {
  labels: Labels;
  values: SequenceValue[];
  /** 1-based position among the block's result lines (used by `expect ordered`). */
  pos: number;
}

export interface EvalCommand {
  kind: 'eval';
  /** 1-based line of the `eval` command. */
  line: number;
  expr: string;
  isRange: boolean;
  /** Instant queries: evaluation time. Range queries (and `expect range vector`): start. Unix ms. */
  startMs: number;
  /** Range end; for an instant query without `expect range vector` no expected point fits (Go's zero time). */
  endMs: number;
  stepMs: number;
  /** Time of the instant query (the range end under `expect range vector`). */
  evalMs: number;
  /** Deprecated `eval_fail` / `eval_warn` / `eval_info` / `eval_ordered` forms. */
  legacy: { fail: boolean; warn: boolean; info: boolean; ordered: boolean };
  expectedFailMessage?: string;
  expectedFailRegexp?: RegExp;
  expects: Record<ExpectType, Expectation[]>;
  expectScalar: boolean;
  scalar?: number;
  expectedString?: string;
  /** Expected series keyed by labelsKey. */
  expected: Map<string, ExpectedSeries>;
  /** Not re-checked as a range query (range-vector and string expectations). */
  excludeFromRangeQuery: boolean;
  /** The expectations contain native-histogram literals. */
  histograms: boolean;
}

export type Command = LoadCommand | ClearCommand | EvalCommand;

/** A malformed script line (1-based line number). */
export class ScriptError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ScriptError';
  }
}

const LOAD_RE = /^load(?:_(with_nhcb))?\s+(.+?)$/;
const EVAL_INSTANT_RE = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const EVAL_RANGE_RE = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const EXPECT_RE = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const EXPECT_RANGE_RE = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;

/** Lines trimmed, comments blanked, as the upstream harness sees them. */
function getLines(input: string): string[] {
  return input.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
}

function duration(s: string, line: number, what: string): number {
  try {
    return parseDuration(s);
  } catch (e) {
    throw new ScriptError(line, `invalid ${what} ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
}

function wrap<T>(line: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NotationError) throw new ScriptError(line, `${e.message} (column ${e.column + 1})`);
    throw e;
  }
}

/** Compiles an RE2 pattern from a script for unanchored matching (RE2's leading inline flags become JS flags). */
export function compileScriptRegex(pattern: string, line: number): RegExp {
  let src = pattern;
  let flags = 's';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1].includes('i')) flags += 'i';
    if (lead[1].includes('m')) flags += 'm';
    src = src.slice(lead[0].length);
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new ScriptError(line, `invalid regex ${pattern}: ${(e as Error).message}`);
  }
}

function parseLoad(lines: string[], i: number): [number, LoadCommand] {
  const m = LOAD_RE.exec(lines[i]);
  if (!m) throw new ScriptError(i + 1, 'invalid load command. (load[_with_nhcb] <step:duration>)');
  const cmd: LoadCommand = {
    kind: 'load',
    line: i + 1,
    intervalMs: duration(m[2], i + 1, 'step definition'),
    withNhcb: m[1] === 'with_nhcb',
    histograms: false,
    series: [],
  };
  const byKey = new Map<string, LoadSeries>();
  let pendingST: { labels: Labels; offsets: Array<number | undefined>; line: number } | undefined;
  while (i + 1 < lines.length && lines[i + 1] !== '') {
    i++;
    const def = lines[i];
    const space = def.search(/[ \t]/);
    if (space > 0 && def.slice(0, space).endsWith('@st')) {
      if (pendingST) throw new ScriptError(pendingST.line, '@st line has no following sample line');
      const metricPart = def.slice(0, space - 3);
      const offsets = wrap(i + 1, () => parseStartTimestamps(def.slice(space + 1)));
      if (metricPart === '') cmd.defaultStartOffsets = offsets;
      else pendingST = { labels: wrap(i + 1, () => parseLabels(metricPart)), offsets, line: i + 1 };
      continue;
    }
    const desc = wrap(i + 1, () => parseSeriesDesc(def));
    if (desc.histograms) cmd.histograms = true;
    const series: LoadSeries = { labels: desc.labels, values: desc.values };
    if (pendingST) {
      if (labelsKey(pendingST.labels) !== labelsKey(desc.labels)) {
        throw new ScriptError(pendingST.line, '@st metric does not match the following sample line metric');
      }
      if (!desc.histograms && pendingST.offsets.length !== desc.values.length) {
        throw new ScriptError(
          pendingST.line,
          `@st line has ${pendingST.offsets.length} values but sample line has ${desc.values.length}`,
        );
      }
      series.startOffsets = pendingST.offsets;
      pendingST = undefined;
    }
    // A series defined twice in one load keeps its last definition, as upstream.
    byKey.set(labelsKey(desc.labels), series);
  }
  if (pendingST) throw new ScriptError(pendingST.line, '@st line has no following sample line');
  cmd.series = [...byKey.values()];
  return [i, cmd];
}

function emptyExpects(): Record<ExpectType, Expectation[]> {
  return { fail: [], warn: [], info: [], no_warn: [], no_info: [], ordered: [] };
}

function parseExpect(def: string, line: number): [ExpectType, Expectation] {
  const m = EXPECT_RE.exec(def.trim());
  if (!m) throw new ScriptError(line, 'invalid expect statement, must match `expect <type> <match_type>: <string>` format');
  const type = m[1] as ExpectType;
  if (m[2] === 'msg') return [type, { message: m[3].trim() }];
  if (m[2] === 'regex') return [type, { regex: compileScriptRegex(m[3].trim(), line) }];
  return [type, { regex: /^[\s\S]*$/ }];
}

function parseEval(lines: string[], i: number): [number, EvalCommand] {
  const inst = EVAL_INSTANT_RE.exec(lines[i]);
  const range = EVAL_RANGE_RE.exec(lines[i]);
  const line = i + 1;
  if (!inst && !range) {
    throw new ScriptError(
      line,
      "invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'",
    );
  }
  const cmd: EvalCommand = {
    kind: 'eval',
    line,
    expr: '',
    isRange: !inst,
    startMs: 0,
    endMs: -Infinity,
    stepMs: 0,
    evalMs: 0,
    legacy: { fail: false, warn: false, info: false, ordered: false },
    expects: emptyExpects(),
    expectScalar: false,
    expected: new Map(),
    excludeFromRangeQuery: false,
    histograms: false,
  };
  let mod: string | undefined;
  if (inst) {
    mod = inst[1];
    cmd.expr = inst[3];
    cmd.startMs = cmd.evalMs = duration(inst[2] ?? '', line, 'timestamp definition');
  } else {
    const r = range!;
    mod = r[1];
    cmd.expr = r[5];
    cmd.startMs = duration(r[2], line, 'start timestamp definition');
    cmd.endMs = duration(r[3], line, 'end timestamp definition');
    if (cmd.endMs < cmd.startMs) {
      throw new ScriptError(line, `invalid test definition, end timestamp (${r[3]}) is before start timestamp (${r[2]})`);
    }
    cmd.stepMs = duration(r[4], line, 'step definition');
  }
  if (mod === 'fail' || mod === 'warn' || mod === 'info' || mod === 'ordered') cmd.legacy[mod] = true;

  let expectRangeVector = false;
  for (let j = 1; i + 1 < lines.length; j++) {
    i++;
    const def = lines[i];
    if (def === '') {
      i--;
      break;
    }
    if (cmd.legacy.fail && def.startsWith('expected_fail_message')) {
      cmd.expectedFailMessage = def.slice('expected_fail_message'.length).trim();
      break;
    }
    if (cmd.legacy.fail && def.startsWith('expected_fail_regexp')) {
      cmd.expectedFailRegexp = compileScriptRegex(def.slice('expected_fail_regexp'.length).trim(), i + 1);
      break;
    }
    if (def.startsWith('expect range vector')) {
      const m = EXPECT_RANGE_RE.exec(def);
      if (!m) throw new ScriptError(i + 1, `invalid range vector definition ${JSON.stringify(def)}`);
      cmd.startMs = duration(m[1], i + 1, 'start timestamp definition');
      cmd.endMs = duration(m[2], i + 1, 'end timestamp definition');
      cmd.stepMs = duration(m[3], i + 1, 'step definition');
      cmd.evalMs = cmd.endMs;
      cmd.excludeFromRangeQuery = true;
      expectRangeVector = true;
      continue;
    }
    if (def.startsWith('expect string')) {
      const lit = def.slice('expect string'.length).trim();
      if (lit === '') throw new ScriptError(i + 1, 'expected string literal not valid - a quoted string literal is required');
      cmd.expectedString = wrap(i + 1, () => unquote(lit));
      cmd.excludeFromRangeQuery = true;
      continue;
    }
    if (def.split(' ')[0] === 'expect') {
      const [type, exp] = parseExpect(def, i + 1);
      cmd.expects[type].push(exp);
      j--;
      if (cmd.expects.info.length > 0 && cmd.expects.no_info.length > 0) {
        throw new ScriptError(i + 1, 'invalid expect lines, info and no_info cannot be used together');
      }
      if (cmd.expects.warn.length > 0 && cmd.expects.no_warn.length > 0) {
        throw new ScriptError(i + 1, 'invalid expect lines, warn and no_warn cannot be used together');
      }
      if (cmd.expects.fail.length > 1) {
        throw new ScriptError(i + 1, 'invalid expect lines, multiple expect fail lines are not allowed');
      }
      continue;
    }
    const num = parseGoNumber(def);
    if (num !== undefined) {
      cmd.expectScalar = true;
      cmd.scalar = num;
      break;
    }
    const desc = wrap(i + 1, () => parseSeriesDesc(def));
    if (desc.histograms) cmd.histograms = true;
    if (desc.values.length > 1 && !cmd.isRange && !expectRangeVector) {
      throw new ScriptError(
        i + 1,
        "expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query",
      );
    }
    cmd.expectScalar = false;
    cmd.expected.set(labelsKey(desc.labels), { labels: desc.labels, values: desc.values, pos: j });
  }
  return [i, cmd];
}

/** Parses a whole script; throws ScriptError for a malformed line. */
export function parseScript(input: string): Command[] {
  const lines = getLines(input);
  const cmds: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    const word = l.split(/[\t ]+/, 1)[0].toLowerCase();
    if (word === 'clear') cmds.push({ kind: 'clear', line: i + 1 });
    else if (word.startsWith('load')) {
      const [next, cmd] = parseLoad(lines, i);
      cmds.push(cmd);
      i = next;
    } else if (word.startsWith('eval')) {
      const [next, cmd] = parseEval(lines, i);
      cmds.push(cmd);
      i = next;
    } else throw new ScriptError(i + 1, `invalid command ${JSON.stringify(l)}`);
  }
  return cmds;
}

/** True when the eval expects a failure (either syntax). */
export function isFail(cmd: EvalCommand): boolean {
  return cmd.legacy.fail || cmd.expects.fail.length > 0;
}

/** True when the eval checks result order (either syntax). */
export function isOrdered(cmd: EvalCommand): boolean {
  return cmd.legacy.ordered || cmd.expects.ordered.length > 0;
}
