// `npm run promql -- --data FILE --query EXPR (--time T | --start S --end E --step D)`: one query over a text file, Prometheus API JSON on stdout.
import { createReadStream } from 'node:fs';
import { createEngine } from '../../shared/promql/engine/index.ts';
import { formatQueryResult } from '../../shared/promql/format.ts';
import { LoadError, TextLoader } from '../../shared/promql/loader.ts';
import { MemoryStore } from '../../shared/promql/memstore.ts';
import { parseDuration } from '../../shared/promql/durations.ts';
import { QueryError } from '../../shared/promql/result.ts';

const USAGE = `Usage: promql --data FILE --query EXPR [--time T | --start S --end E --step D] [--timestamps s|ms]

  --data FILE        OpenMetrics / Prometheus text with timestamps (what promtool tsdb create-blocks-from openmetrics reads)
  --query EXPR       PromQL expression
  --time T           instant query time: Unix seconds (fractions allowed) or RFC 3339; default now
  --start S --end E  range query bounds, same formats as --time
  --step D           range query step: a duration (15s, 1m) or seconds
  --timestamps s|ms  unit of the timestamps in FILE (default s, as in OpenMetrics)

Prints the /api/v1/query or /api/v1/query_range JSON body; errors go to stderr with exit code 1.`;

/** A problem the user can fix; printed without a stack trace. */
class UsageError extends Error {}

interface Args {
  data: string;
  query: string;
  time?: string;
  start?: string;
  end?: string;
  step?: string;
  timestampsMs: boolean;
}

function parseArgs(argv: string[]): Args {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    } else value = argv[++i];
    const name = a.slice(2);
    if (!['data', 'query', 'time', 'start', 'end', 'step', 'timestamps'].includes(name)) throw new UsageError(`unknown flag ${a}`);
    if (value === undefined) throw new UsageError(`flag ${a} needs a value`);
    flags[name] = value;
  }
  if (flags.data === undefined) throw new UsageError('--data FILE is required');
  if (flags.query === undefined) throw new UsageError('--query EXPR is required');
  const isRange = flags.start !== undefined || flags.end !== undefined || flags.step !== undefined;
  if (isRange && (flags.start === undefined || flags.end === undefined || flags.step === undefined)) {
    throw new UsageError('a range query needs all of --start, --end and --step');
  }
  if (isRange && flags.time !== undefined) throw new UsageError('--time is for instant queries; give either --time or --start/--end/--step');
  if (flags.timestamps !== undefined && flags.timestamps !== 's' && flags.timestamps !== 'ms') {
    throw new UsageError('--timestamps must be s or ms');
  }
  return { ...flags, data: flags.data, query: flags.query, timestampsMs: flags.timestamps === 'ms' };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses a time like Prometheus's API: Unix seconds (fraction rounded to ms) or RFC 3339; returns Unix ms. */
function parseTime(s: string, param: string): number {
  const n = s.trim() === '' ? NaN : Number(s);
  if (Number.isFinite(n)) {
    const whole = Math.trunc(n);
    return whole * 1000 + Math.round((n - whole) * 1000);
  }
  const m = RFC3339.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac, zone] = m;
    let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec) + (frac ? Math.trunc(Number(frac.padEnd(9, '0')) / 1e6) : 0);
    if (zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
    if (Number.isFinite(ms) && +mo >= 1 && +mo <= 12 && +d >= 1 && +d <= 31 && +h < 24 && +mi < 60 && +sec < 60) return ms;
  }
  throw new UsageError(`invalid parameter ${JSON.stringify(param)}: cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

/** Parses a step like Prometheus's API: float seconds or a duration string; returns ms (truncated). */
function parseStep(s: string): number {
  const n = s.trim() === '' ? NaN : Number(s);
  if (Number.isFinite(n)) return Math.trunc(n * 1000);
  try {
    return parseDuration(s);
  } catch {
    throw new UsageError(`invalid parameter "step": cannot parse ${JSON.stringify(s)} to a valid duration`);
  }
}

async function loadFile(path: string, store: MemoryStore, timestampsMs: boolean): Promise<void> {
  const loader = new TextLoader(store, { timestampUnit: timestampsMs ? 'milliseconds' : 'seconds' });
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) loader.push(chunk as string);
    loader.end();
  } catch (e) {
    if (e instanceof LoadError) throw new UsageError(`${path}:${e.message}`);
    if (e instanceof Error && 'code' in e) throw new UsageError(`cannot read ${path}: ${e.message}`);
    throw e;
  }
}

/** The query with a caret under the error position, for parse errors. */
function pointAt(query: string, pos: { start: number; end: number } | undefined): string {
  if (!pos || query.includes('\n') || pos.start < 0 || pos.start > query.length) return '';
  return `\n  ${query}\n  ${' '.repeat(pos.start)}${'^'.repeat(Math.max(1, Math.min(pos.end, query.length) - pos.start))}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const store = new MemoryStore();
  await loadFile(args.data, store, args.timestampsMs);
  const engine = createEngine();
  let body: string;
  try {
    if (args.start !== undefined) {
      const start = parseTime(args.start, 'start');
      const end = parseTime(args.end!, 'end');
      if (end < start) throw new UsageError('end timestamp must not be before start time');
      const step = parseStep(args.step!);
      if (step <= 0) throw new UsageError('zero or negative query resolution step widths are not accepted. Try a positive integer');
      if ((end - start) / step > 11000) {
        throw new UsageError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
      }
      body = formatQueryResult(await engine.rangeQuery(store, args.query, start, end, step));
    } else {
      const t = args.time === undefined ? Date.now() : parseTime(args.time, 'time');
      body = formatQueryResult(await engine.instantQuery(store, args.query, t));
    }
  } catch (e) {
    if (e instanceof QueryError) throw new UsageError(`${e.errorType}: ${e.message}${pointAt(args.query, e.position)}`);
    throw e;
  }
  process.stdout.write(body + '\n');
}

try {
  await main();
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`promql: ${e.message}`);
    if (/required|unknown flag|unexpected argument|needs/.test(e.message)) console.error(USAGE);
  } else console.error(e);
  process.exitCode = 1;
}
