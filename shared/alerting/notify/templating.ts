// Alertmanager's notification template data (.Status, .Alerts.Firing, .CommonLabels.SortedPairs …), functions and default templates.
import { BUILTINS } from '../../rules/template/builtins.ts';
import { executeTemplate, TemplateExecError } from '../../rules/template/exec.ts';
import { FuncError, type FuncMap } from '../../rules/template/functions.ts';
import { parseTemplate, TemplateParseError, type ParsedTemplate } from '../../rules/template/parser.ts';
import { prometheusFuncs } from '../../rules/template/promfuncs.ts';
import { GoMap, GoStruct, GoTime, withMethods, type GoValue } from '../../rules/template/values.ts';

/** One alert as a notification sees it (template.Alert). Times in ms; firing alerts have no endsAt. */
export interface NotifyAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt?: number;
  generatorURL: string;
  fingerprint: string;
}

/** template.Data: what every notification template and payload is built from. */
export interface TemplateData {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: NotifyAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}

/** regexp.QuoteMeta, which Alertmanager applies to the receiver name. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function common(maps: Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

/** Template.Data(): status, common labels/annotations over the alerts being notified. */
export function buildTemplateData(receiver: string, groupLabels: Record<string, string>, alerts: NotifyAlert[], externalURL: string): TemplateData {
  return {
    receiver: quoteMeta(receiver),
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels: { ...groupLabels },
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL,
  };
}

/** Go's zero time (0001-01-01T00:00:00Z) in ms. */
const ZERO_TIME_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();

function pairs(m: Record<string, string>): GoValue[] {
  const list: GoValue[] = Object.keys(m)
    .sort()
    .map((k) => new GoStruct('template.Pair', { Name: k, Value: m[k] }));
  return withMethods(list, 'template.Pairs', {
    Names: { params: [], fn: () => Object.keys(m).sort() },
    Values: { params: [], fn: () => Object.keys(m).sort().map((k) => m[k]) },
  });
}

/** template.KV with SortedPairs, Names, Values and Remove. */
function kv(m: Record<string, string>): GoMap {
  return withMethods(GoMap.ofStrings(m), 'template.KV', {
    SortedPairs: { params: [], fn: () => pairs(m) },
    Names: { params: [], fn: () => Object.keys(m).sort() },
    Values: { params: [], fn: () => Object.keys(m).sort().map((k) => m[k]) },
    Remove: {
      params: ['stringSlice'],
      fn: (keys) => {
        const out = { ...m };
        for (const k of (keys ?? []) as string[]) delete out[k];
        return kv(out);
      },
    },
  });
}

function alertValue(a: NotifyAlert): GoStruct {
  return new GoStruct('template.Alert', {
    Status: a.status,
    Labels: kv(a.labels),
    Annotations: kv(a.annotations),
    StartsAt: new GoTime(a.startsAt),
    EndsAt: new GoTime(a.endsAt ?? ZERO_TIME_MS),
    GeneratorURL: a.generatorURL,
    Fingerprint: a.fingerprint,
  });
}

function alertsValue(alerts: NotifyAlert[]): GoValue[] {
  return withMethods(alerts.map(alertValue), 'template.Alerts', {
    Firing: { params: [], fn: () => alertsValue(alerts.filter((a) => a.status === 'firing')) },
    Resolved: { params: [], fn: () => alertsValue(alerts.filter((a) => a.status === 'resolved')) },
  });
}

/** The data as a Go value for the template engine. */
export function templateDataValue(d: TemplateData): GoStruct {
  return new GoStruct('template.Data', {
    Receiver: d.receiver,
    Status: d.status,
    Alerts: alertsValue(d.alerts),
    GroupLabels: kv(d.groupLabels),
    CommonLabels: kv(d.commonLabels),
    CommonAnnotations: kv(d.commonAnnotations),
    ExternalURL: d.externalURL,
  });
}

function casesTitle(s: string): string {
  let out = '';
  let start = true;
  for (const ch of s) {
    const letter = /^[\p{L}\p{N}'’_]$/u.test(ch);
    out += letter ? (start ? ch.toUpperCase() : ch.toLowerCase()) : ch;
    start = !letter;
  }
  return out;
}

/** Alertmanager's template function map (text subset). */
export function alertmanagerFuncs(): FuncMap {
  const prom = prometheusFuncs({ timeMs: 0 });
  return {
    ...BUILTINS,
    toUpper: prom.toUpper,
    toLower: prom.toLower,
    match: prom.match,
    reReplaceAll: prom.reReplaceAll,
    safeHtml: prom.safeHtml,
    title: { params: ['string'], fn: (s) => casesTitle(s as string) },
    trimSpace: { params: ['string'], fn: (s) => (s as string).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '') },
    join: { params: ['string', 'stringSlice'], fn: (sep, list) => ((list ?? []) as string[]).join(sep as string) },
    stringSlice: { params: [], variadic: 'string', fn: (...s) => s },
    urlUnescape: {
      params: ['string'],
      fn: (s) => {
        try {
          return decodeURIComponent((s as string).replace(/\+/g, ' '));
        } catch {
          throw new FuncError(`invalid URL escape ${JSON.stringify(s)}`);
        }
      },
    },
  };
}

/** Default templates, equivalent in output to Alertmanager's default.tmpl for the supported integrations. */
export const DEFAULT_TEMPLATES = [
  '{{ define "__alertmanager" }}Alertmanager{{ end }}',
  '{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}',
  '{{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ' +
    '{{ .GroupLabels.SortedPairs.Values | join " " }} ' +
    '{{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}',
  '{{ define "__text_alert_list" }}{{ range . }}Labels:\n{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}\n{{ end }}' +
    'Annotations:\n{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}\n{{ end }}Source: {{ .GeneratorURL }}\n{{ end }}{{ end }}',
  '{{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}',
  '{{ define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}',
  '{{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}',
  '{{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}',
  ...['callbackid', 'iconemoji', 'iconurl', 'pretext', 'text', 'footer'].map((n) => `{{ define "slack.default.${n}" }}{{ end }}`),
  '{{ define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}',
  '{{ define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}',
  '{{ define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}',
  '{{ define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}',
].join('');

const FUNCS = alertmanagerFuncs();
const DEFAULT_TREES = parseTemplate('default', DEFAULT_TEMPLATES, (f) => f in FUNCS).trees;
const cache = new Map<string, ParsedTemplate | TemplateParseError>();

/** Template.ExecuteTextString: the text is parsed alongside the default templates, then run on the data. */
export function executeNotificationTemplate(text: string, data: TemplateData): { ok: true; value: string } | { ok: false; error: string } {
  if (text === '') return { ok: true, value: '' };
  let parsed = cache.get(text);
  if (!parsed) {
    try {
      const user = parseTemplate('', text, (f) => f in FUNCS);
      // User definitions may override the defaults, as in Alertmanager's template files.
      parsed = { ...user, trees: new Map([...DEFAULT_TREES, ...user.trees]) };
    } catch (e) {
      if (!(e instanceof TemplateParseError)) throw e;
      parsed = e;
    }
    if (cache.size > 500) cache.clear();
    cache.set(text, parsed);
  }
  if (parsed instanceof TemplateParseError) return { ok: false, error: parsed.message };
  try {
    return { ok: true, value: executeTemplate(parsed, FUNCS, templateDataValue(data)) };
  } catch (e) {
    if (e instanceof TemplateExecError) return { ok: false, error: e.message };
    throw e;
  }
}
