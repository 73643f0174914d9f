// `npm run grafana-import -- FILE|DIR... [--out FILE | --out-dir DIR] [--json] [--uid UID]`: converts Grafana dashboards to Sightline JSON.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { importGrafanaDashboard } from '../../shared/dashboards/grafana.ts';
import { formatImportReport, type ImportReport } from '../../shared/dashboards/grafana-report.ts';

const USAGE = `usage: npm run grafana-import -- FILE [--out FILE] [--uid UID] [--json]
       npm run grafana-import -- FILE|DIR... --out-dir DIR [--json]
Converts Grafana dashboard JSON into Sightline dashboards and reports what could not be mapped.
With one FILE and no --out, the dashboard goes to stdout and the report to stderr.
Directories are searched recursively for *.json files; --json prints the report as JSON.
Exit status: 0 when every input was converted, 1 if an input is unreadable or not a dashboard, 2 for usage errors.
`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

interface Options {
  inputs: string[];
  out?: string;
  outDir?: string;
  uid?: string;
  json: boolean;
}

/** One input's outcome, as `--json` prints it. */
export type FileResult = { file: string; out?: string; ok: true; report: ImportReport } | { file: string; ok: false; error: string };

function parseArgs(argv: readonly string[]): Options | { usage: string } {
  const o: Options = { inputs: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (a === '--') continue;
    if (a === '-h' || a === '--help') return { usage: '' };
    if (a === '--json') o.json = true;
    else if (a === '--out' || a === '--out-dir' || a === '--uid') {
      const v = value();
      if (v === undefined) return { usage: `${a} needs a value` };
      if (a === '--out') o.out = v;
      else if (a === '--out-dir') o.outDir = v;
      else o.uid = v;
    } else if (a.startsWith('-')) return { usage: `unknown option ${a}` };
    else o.inputs.push(a);
  }
  if (o.inputs.length === 0) return { usage: 'no input files' };
  if (o.out !== undefined && o.outDir !== undefined) return { usage: '--out and --out-dir cannot be combined' };
  return o;
}

/** Input files with the path each output takes under --out-dir (relative to the directory it was found in). */
function expandInputs(inputs: readonly string[]): { files: { file: string; rel: string }[]; dirs: boolean } {
  const files: { file: string; rel: string }[] = [];
  let dirs = false;
  const walk = (dir: string, root: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, root);
      else if (entry.isFile() && entry.name.endsWith('.json')) files.push({ file: full, rel: path.relative(root, full) });
    }
  };
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      // Missing inputs are reported when reading them fails.
      files.push({ file: input, rel: path.basename(input) });
      continue;
    }
    if (isDir) {
      dirs = true;
      walk(input, input);
    } else files.push({ file: input, rel: path.basename(input) });
  }
  return { files, dirs };
}

/** Converts one file's text; never throws for bad input. */
export function convertText(file: string, text: string, uid?: string): { result: FileResult; json?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { result: { file, ok: false, error: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` } };
  }
  const r = importGrafanaDashboard(parsed, uid !== undefined ? { uid } : {});
  if (!r.ok) return { result: { file, ok: false, error: r.error } };
  return { result: { file, ok: true, report: r.report }, json: `${JSON.stringify(r.dashboard, null, 2)}\n` };
}

/** Runs the command; returns the exit status. */
export function runGrafanaImport(argv: readonly string[], io: CliIo): number {
  const o = parseArgs(argv);
  if ('usage' in o) {
    io.err(`${o.usage ? `${o.usage}\n` : ''}${USAGE}`);
    return o.usage ? 2 : 0;
  }
  const { files, dirs } = expandInputs(o.inputs);
  const bulk = files.length > 1 || dirs;
  if (bulk && o.outDir === undefined) {
    io.err(`several inputs need --out-dir\n${USAGE}`);
    return 2;
  }
  if (bulk && o.uid !== undefined) {
    io.err(`--uid applies to a single input only\n${USAGE}`);
    return 2;
  }
  const results: FileResult[] = [];
  const used = new Set<string>();
  for (const { file, rel } of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      results.push({ file, ok: false, error: `cannot read file: ${e instanceof Error ? e.message : String(e)}` });
      continue;
    }
    const { result, json } = convertText(file, text, o.uid);
    if (!result.ok || json === undefined) {
      results.push(result);
      continue;
    }
    const dest = o.out ?? (o.outDir !== undefined ? uniquePath(path.join(o.outDir, rel), used) : undefined);
    if (dest === undefined) io.out(json);
    else {
      try {
        mkdirSync(path.dirname(dest), { recursive: true });
        writeFileSync(dest, json);
      } catch (e) {
        results.push({ file, ok: false, error: `cannot write ${dest}: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
    }
    results.push(dest === undefined ? result : { ...result, out: dest });
  }
  // With the dashboard on stdout, the report must go to stderr so the two can be separated.
  const report = o.out === undefined && o.outDir === undefined ? io.err : io.out;
  if (o.json) report(`${JSON.stringify({ results }, null, 2)}\n`);
  else report(humanReport(results, bulk ? o.outDir : undefined));
  return results.every((r) => r.ok) ? 0 : 1;
}

function uniquePath(p: string, used: Set<string>): string {
  let candidate = p;
  for (let n = 2; used.has(candidate); n++) candidate = p.replace(/(\.json)?$/, `-${n}.json`);
  used.add(candidate);
  return candidate;
}

function humanReport(results: readonly FileResult[], outDir: string | undefined): string {
  const lines: string[] = [];
  for (const r of results) {
    if (!r.ok) {
      lines.push(`${r.file}: ${r.error}`);
      continue;
    }
    lines.push(r.out ? `${r.file} → ${r.out}` : r.file);
    lines.push(...formatImportReport(r.report).map((l) => `  ${l}`));
  }
  if (outDir !== undefined) {
    const good = results.filter((r) => r.ok).length;
    const failed = results.length - good;
    lines.push(`Converted ${good} of ${results.length} dashboard${results.length === 1 ? '' : 's'} into ${outDir}${failed ? ` (${failed} failed)` : ''}.`);
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = runGrafanaImport(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}
