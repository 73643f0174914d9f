// Loads the rule files named by rule_files (through an injected file source) and validates them with PromQL.
import type { Expr } from '../../shared/promql/ast.ts';
import { ParseError } from '../../shared/promql/parse-error.ts';
import { parse } from '../../shared/promql/parser.ts';
import { loadRuleFile, type ExprProblem, type FileProblem, type RuleGroupDef } from '../../shared/rules/rulefile.ts';

export type { FileProblem };

/** Where rule files come from: the file system on Node, bundled texts on Workers. */
export interface RuleFileSource {
  /** Files matching one resolved rule_files pattern, sorted like Go's filepath.Glob; none is not an error. */
  expand(pattern: string): Promise<string[]>;
  read(file: string): Promise<string>;
}

export interface LoadedRules {
  groups: RuleGroupDef[];
  /** Every problem of every file; a file with any error contributes no groups. */
  errors: FileProblem[];
  /** Files that were read, in load order. */
  files: string[];
}

/** PromQL syntax check for loadRuleFile: Prometheus's `line:col: parse error: …` and the offset in the expression. */
export function validateExpr(expr: string): ExprProblem | null {
  try {
    parse(expr);
    return null;
  } catch (e) {
    if (e instanceof ParseError) return { message: e.toString(), offset: e.positionRange.start };
    throw e;
  }
}

/** Parses an expression that validateExpr accepted. */
export function parseRuleExpr(expr: string): Expr {
  return parse(expr);
}

/** Loads and validates one rule file's text (promtool's `check rules` for one file). */
export function checkRuleText(file: string, text: string): { groups: RuleGroupDef[]; errors: FileProblem[] } {
  const r = loadRuleFile(text, file, { validateExpr });
  return r.errors.length > 0 ? { groups: [], errors: r.errors } : { groups: r.groups, errors: [] };
}

/** Loads every file matched by the patterns; the caller rejects the whole set when `errors` is not empty. */
export async function loadRules(patterns: readonly string[], source: RuleFileSource): Promise<LoadedRules> {
  const out: LoadedRules = { groups: [], errors: [], files: [] };
  const seen = new Set<string>();
  for (const pattern of patterns) {
    for (const file of await source.expand(pattern)) {
      if (seen.has(file)) continue;
      seen.add(file);
      out.files.push(file);
      let text: string;
      try {
        text = await source.read(file);
      } catch (e) {
        out.errors.push({ file, line: 0, col: 0, message: `cannot read rule file: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      const r = checkRuleText(file, text);
      out.errors.push(...r.errors);
      out.groups.push(...r.groups);
    }
  }
  return out;
}

/** `FILE:LINE:COL: message` (or `FILE: message` without a position), as promtool prints problems. */
export function formatProblem(p: FileProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.col}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** A source over texts held in memory (Workers bundles, tests); patterns match by exact name or `*` globs. */
export function memoryRuleSource(files: Readonly<Record<string, string>>): RuleFileSource {
  return {
    async expand(pattern) {
      const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
      return Object.keys(files).filter((f) => re.test(f)).sort();
    },
    async read(file) {
      const t = files[file];
      if (t === undefined) throw new Error(`no such file ${file}`);
      return t;
    },
  };
}
