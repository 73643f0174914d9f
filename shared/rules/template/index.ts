// Public entry of the template engine: parse-checking and expanding Prometheus alert/label templates.
import { BUILTINS } from './builtins.ts';
import { executeTemplate, TemplateExecError } from './exec.ts';
import type { FuncMap } from './functions.ts';
import { parseTemplate, TemplateParseError, type ParsedTemplate } from './parser.ts';
import { prometheusFuncs, type PromFuncOptions } from './promfuncs.ts';
import { GoMap, GoStruct, type GoValue } from './values.ts';

export { TemplateExecError, TemplateParseError };
export type { TemplateQueryFn, TemplateSample, PromFuncOptions } from './promfuncs.ts';
export { humanize, humanize1024, humanizeDuration, humanizePercentage, tableLinkForExpression, graphLinkForExpression } from './promfuncs.ts';
export { GoMap, GoStruct };
export type { GoValue };

/** Prometheus prepends these so `$labels`, `$value`, … exist in every alert template. */
export const ALERT_TEMPLATE_PRELUDE = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

let lastFuncs: { opts: PromFuncOptions; funcs: FuncMap } | undefined;

/** Go builtins plus Prometheus's functions; reused while the options stay the same (one evaluation). */
export function templateFuncs(opts: PromFuncOptions): FuncMap {
  const l = lastFuncs;
  if (l && l.opts.timeMs === opts.timeMs && l.opts.query === opts.query && l.opts.externalURL === opts.externalURL) return l.funcs;
  const funcs = { ...BUILTINS, ...prometheusFuncs(opts) };
  lastFuncs = { opts: { ...opts }, funcs };
  return funcs;
}

const FUNC_NAMES = new Set(Object.keys(templateFuncs({ timeMs: 0 })));
const parseCache = new Map<string, ParsedTemplate | TemplateParseError>();

/** Parses with Prometheus's function names; results are cached because alert templates re-run every evaluation. */
export function parseWithPrometheusFuncs(name: string, text: string): ParsedTemplate | TemplateParseError {
  const key = name + '\x00' + text;
  const hit = parseCache.get(key);
  if (hit) return hit;
  let result: ParsedTemplate | TemplateParseError;
  try {
    result = parseTemplate(name, text, (f) => FUNC_NAMES.has(f));
  } catch (e) {
    if (!(e instanceof TemplateParseError)) throw e;
    result = e;
  }
  if (parseCache.size > 2000) parseCache.clear();
  parseCache.set(key, result);
  return result;
}

/** A template syntax problem located in the user's text (prelude excluded). */
export interface TemplateSyntaxError {
  /** Go's message, e.g. `template: __alert_X:1: function "foo" not defined`. */
  message: string;
  line: number;
  /** Offset in the user's text, when the error lies inside it. */
  offset?: number;
}

/** promtool's ParseTest for a label/annotation of alert `alertName`; null when it parses. */
export function checkAlertTemplate(alertName: string, text: string): TemplateSyntaxError | null {
  const r = parseWithPrometheusFuncs('__alert_' + alertName, ALERT_TEMPLATE_PRELUDE + text);
  if (!(r instanceof TemplateParseError)) return null;
  const offset = r.pos - ALERT_TEMPLATE_PRELUDE.length;
  return { message: r.message, line: r.line, offset: offset >= 0 ? offset : undefined };
}

/** The data Prometheus passes to alert templates (AlertTemplateData). */
export interface AlertTemplateInput {
  labels: Readonly<Record<string, string>>;
  externalLabels?: Readonly<Record<string, string>>;
  externalURL?: string;
  value: number;
}

/** Builds the template dot: {Labels, ExternalLabels, ExternalURL, Value}. */
export function alertTemplateData(input: AlertTemplateInput): GoStruct {
  return new GoStruct('struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }', {
    Labels: GoMap.ofStrings(input.labels),
    ExternalLabels: GoMap.ofStrings(input.externalLabels ?? {}),
    ExternalURL: input.externalURL ?? '',
    Value: input.value,
  });
}

/** Expander.Expand: the output, or Prometheus's "error parsing/executing template NAME: …" text. */
export function expandTemplate(name: string, text: string, data: GoValue, opts: PromFuncOptions): { ok: true; value: string } | { ok: false; error: string } {
  const parsed = parseWithPrometheusFuncs(name, text);
  if (parsed instanceof TemplateParseError) return { ok: false, error: `error parsing template ${name}: ${parsed.message}` };
  try {
    return { ok: true, value: executeTemplate(parsed, templateFuncs(opts), data) };
  } catch (e) {
    if (e instanceof TemplateExecError) return { ok: false, error: `error executing template ${name}: ${e.message}` };
    throw e;
  }
}

/**
 * An expander for the labels and annotations of one alert instance (data and functions built once),
 * as rules/alerting.go expands them: errors become `<error expanding template: …>`.
 */
export function alertExpander(alertName: string, input: AlertTemplateInput, opts: PromFuncOptions): (text: string) => string {
  const name = '__alert_' + alertName;
  const data = alertTemplateData(input);
  const funcOpts = { externalURL: input.externalURL, ...opts };
  return (text) => {
    // Plain text without actions needs no template run.
    if (!text.includes('{{')) return text;
    const r = expandTemplate(name, ALERT_TEMPLATE_PRELUDE + text, data, funcOpts);
    return r.ok ? r.value : `<error expanding template: ${r.error}>`;
  };
}

/** Expands one label/annotation value of alert `alertName`; see alertExpander. */
export function expandAlertTemplate(alertName: string, text: string, input: AlertTemplateInput, opts: PromFuncOptions): string {
  return alertExpander(alertName, input, opts)(text);
}
