// Tests of the Go-template engine against Prometheus's documented outputs and Go's text/template semantics.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkAlertTemplate, expandAlertTemplate, expandTemplate, GoMap, type TemplateQueryFn } from './index.ts';

const repoRoot = path.resolve(__dirname, '../../..');
const rulesYaml = parse(readFileSync(path.resolve(repoRoot, '../shared/conformance/alerting/rules.yaml'), 'utf8')) as {
  groups: { name: string; rules: { alert: string; annotations: Record<string, string> }[] }[];
};
const annotation = (alert: string, key: string): string => {
  for (const g of rulesYaml.groups) for (const r of g.rules) if (r.alert === alert) return r.annotations[key];
  throw new Error(`no alert ${alert}`);
};

const T = 1_700_000_000_000;
const labels = { __name__: 'up', instance: 'host:9100', job: 'node', severity: 'page' };
const run = (text: string, value = 42, query?: TemplateQueryFn): string =>
  expandAlertTemplate('Test', text, { labels, value, externalLabels: { cluster: 'eu1' }, externalURL: 'http://prom.example:9090/sub' }, { timeMs: T, query });

describe('conformance annotations (alert_generator rules.yaml)', () => {
  it('template_test of ZeroFor_SmallFor_ZeroFor', () => {
    expect(run(annotation('ZeroFor_SmallFor_ZeroFor', 'template_test'))).toBe('1.049M 1Mi 2m 15s 95.9% 2022-01-25 12:36:43 +0000 UTC');
  });
  it('template_test of ZeroFor_SmallFor_SmallFor', () => {
    expect(run(annotation('ZeroFor_SmallFor_SmallFor', 'template_test'))).toBe('This Part IS TESTING the strings. ::1 127.0.0.1. 7815. replaced text. .');
  });
  it('template_query_test with define/template/args/query/sortByLabel/first/label/value', () => {
    const queries: string[] = [];
    const query: TemplateQueryFn = (expr, at) => {
      queries.push(expr);
      expect(at).toBe(T);
      const mk = (id: number, v: number) => ({ labels: { __name__: 'alert_generator_test_suite', id: String(id) }, value: v });
      return { samples: [mk(103, 3), mk(101, 1), mk(102, 2)] };
    };
    expect(run(annotation('ZeroFor_SmallFor_ZeroFor', 'template_query_test'), 15, query)).toBe('Args are: foo bar 99. first_id:101,101:1,102:2,103:3,');
    expect(queries).toEqual(["alert_generator_test_suite{rulegroup='ZeroFor_SmallFor',for='template'}"]);
  });
  it('description using $labels and .Labels', () => {
    expect(run('Old alertname was {{$labels.job}}. foo was {{.Labels.instance}}.')).toBe('Old alertname was node. foo was host:9100.');
  });
});

describe('humanize family', () => {
  it.each([
    ['{{ humanize 1234567.0 }}', '1.235M'],
    ['{{ humanize 0.001234 }}', '1.234m'],
    ['{{ humanize 0 }}', '0'],
    ['{{ humanize "12345" }}', '12.35k'],
    ['{{ humanize1024 1048576.0 }}', '1Mi'],
    ['{{ humanize1024 1 }}', '1'],
    ['{{ humanizeDuration 90 }}', '1m 30s'],
    ['{{ humanizeDuration 899.99 }}', '14m 59s'],
    ['{{ humanizeDuration 93784 }}', '1d 2h 3m 4s'],
    ['{{ humanizeDuration 1.5 }}', '1.5s'],
    ['{{ humanizeDuration 0.25 }}', '250ms'],
    ['{{ humanizeDuration -90 }}', '-1m 30s'],
    ['{{ humanizeDuration 0 }}', '0s'],
    ['{{ humanizePercentage 0.1234 }}', '12.34%'],
    ['{{ humanizePercentage 0.1234567 }}', '12.35%'],
    ['{{ humanizeTimestamp 1643114203.5 }}', '2022-01-25 12:36:43.5 +0000 UTC'],
    ['{{ $value | humanizePercentage }}', '4200%'],
  ])('%s → %s', (tpl, want) => {
    expect(run(tpl)).toBe(want);
  });
});

describe('Go template semantics', () => {
  it.each([
    ['{{ $value }}', '42'],
    ['{{ .Value }}', '42'],
    ['{{ $externalLabels.cluster }}/{{ $externalURL }}', 'eu1/http://prom.example:9090/sub'],
    ['{{ externalURL }} {{ pathPrefix }}', 'http://prom.example:9090/sub /sub'],
    ['[{{ $labels.missing }}]', '[]'],
    ['{{ printf "%.2f" $value }} {{ printf "%s=%d" "n" 3 }} {{ printf "%q" $labels.job }}', '42.00 n=3 "node"'],
    ['{{ if gt $value 40.0 }}big{{ else if gt $value 10.0 }}mid{{ else }}small{{ end }}', 'big'],
    ['{{ if lt $value 10.0 }}small{{ else if lt $value 50.0 }}mid{{ else }}big{{ end }}', 'mid'],
    ['{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}', '__name__=up;instance=host:9100;job=node;severity=page;'],
    ['{{ range $i, $e := (args "a" "b") }}{{ $i }}:{{ $e }} {{ end }}', 'arg0:a arg1:b '],
    ['{{ range index (args) "none" }}x{{ else }}empty{{ end }}', 'empty'],
    ['{{ range $labels.job }}x{{ end }}', '<error expanding template: error executing template __alert_Test: template: __alert_Test:1:121: executing "__alert_Test" at <$labels.job>: range can\'t iterate over node>'],
    ['{{ with $labels.job }}job={{ . }}{{ end }}{{ with $labels.none }}no{{ else }}-{{ end }}', 'job=node-'],
    ['{{ $x := "a" }}{{ $x = "b" }}{{ $x }}', 'b'],
    ['{{ if and (eq $labels.job "node") (ne $labels.severity "info") }}yes{{ end }}', 'yes'],
    ['{{ or "" "fallback" }} {{ and 1 0 }} {{ not true }}', 'fallback 0 false'],
    ['{{ len $labels }} {{ len "héllo" }} {{ index $labels "job" }}', '4 6 node'],
    ['{{ eq $labels.job "x" "node" }}', 'true'],
    ['a  {{- " b " -}}  c', 'a b c'],
    ['x {{/* a comment */}}y{{- /* trimmed */ -}} z', 'x yz'],
    ['{{ toUpper "abc" }} {{ toLower "ÀB" }} {{ title "hello wORLD" }}', 'ABC àb Hello WORLD'],
    ['{{ reReplaceAll "(.*):(\\\\d+)" "${1} port $2" $labels.instance }}', 'host port 9100'],
    ['{{ reReplaceAll "(?P<host>[a-z]+):(?P<port>\\\\d+)" "${port}@$host" $labels.instance }}', '9100@host'],
    ['{{ if match "^host" $labels.instance }}m{{ end }}', 'm'],
    ['{{ stripPort $labels.instance }} {{ stripDomain "db1.example.com:5432" }}', 'host db1:5432'],
    ['{{ 1000000.0 }} {{ 1e6 }} {{ 1000000 }} {{ 0.1 }}', '1e+06 1e+06 1000000 0.1'],
    ['{{ (toTime 60) }} {{ toDuration 5400.5 }}', '1970-01-01 00:01:00 +0000 UTC 1h30m0.5s'],
    ['{{ parseDuration "1m30s" }} {{ now }} {{ printf "%.0f" now }}', '90 1.7e+09 1700000000'],
    ['{{ range $i := 3 }}{{ $i }}{{ end }}', '012'],
    ['{{ range $i, $v := args 1 2 3 }}{{ if eq $i "arg1" }}{{ continue }}{{ end }}{{ $v }}{{ end }}', '13'],
    ['{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" $labels.job }}', '[node]'],
    ['{{ tableLink "up == 0" }}', '/graph?g0.expr=up+%3D%3D+0&g0.tab=1'],
    ['{{ $labels.job | printf "%s!" }}', 'node!'],
    ['{{ print 1 2 "a" "b" 3 }}|{{ println "x" }}', '1 2ab3|x\n'],
    ['{{ html "<a&b>" }} {{ urlquery "a b&c" }}', '&lt;a&amp;b&gt; a+b%26c'],
  ])('%s', (tpl, want) => {
    expect(run(tpl)).toBe(want);
  });

  it('prints $value like Go prints float64', () => {
    expect(run('{{ $value }}', 1234567)).toBe('1.234567e+06');
    expect(run('{{ $value }}', 0.1 + 0.2)).toBe('0.30000000000000004');
    expect(run('{{ $value }}', NaN)).toBe('NaN');
    expect(run('{{ $value }}', Infinity)).toBe('+Inf');
  });
});

describe('errors', () => {
  const err = (tpl: string): string => run(tpl);
  it('comparing float64 with an int constant fails as in Go', () => {
    expect(err('{{ if gt $value 0 }}x{{ end }}')).toMatch(
      /^<error expanding template: error executing template __alert_Test: template: __alert_Test:1:\d+: executing "__alert_Test" at <gt \$value 0>: error calling gt: incompatible types for comparison>$/,
    );
  });
  it('field of a string', () => {
    expect(err('{{ .Labels.job.x }}')).toContain('at <.Labels.job.x>: can\'t evaluate field x in type string>');
  });
  it('function error wraps Go error text', () => {
    expect(err('{{ humanize "abc" }}')).toContain('error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax');
    expect(err('{{ query "up" | first }}')).toContain('error calling query: no query engine');
    expect(run('{{ query "up" | first | value }}', 1, () => ({ samples: [] }))).toContain('error calling first: first() called on vector with no elements');
    expect(run('{{ query "up(" }}', 1, () => ({ error: 'parse error' }))).toContain('error calling query: parse error');
  });
  it('wrong argument types', () => {
    expect(err('{{ toUpper 5 }}')).toContain('expected string; found 5');
    expect(err('{{ toUpper $value }}')).toContain('wrong type for value; expected string; got float64');
    expect(err('{{ printf }}')).toContain('wrong number of args for printf: want at least 1 got 0');
  });
  it('column counts the prelude and is 0-based like Go', () => {
    // The failing command starts right after the prelude's length plus "{{ ".
    const m = /__alert_Test:1:(\d+): executing/.exec(err('{{ toUpper $value }}'));
    expect(Number(m?.[1])).toBe('{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}'.length + 11);
  });
  it.each([
    ['{{ foo }}', 'function "foo" not defined'],
    ['{{ $nope }}', 'undefined variable "$nope"'],
    ['{{ if true }}x', 'unexpected EOF'],
    ['{{ end }}', 'unexpected {{end}}'],
    ['{{ "abc }}', 'unterminated quoted string'],
    ['{{ .x', 'unclosed action'],
    ['{{ (1 }}', 'unclosed left paren'],
    ['{{ break }}', '{{break}} outside {{range}}'],
    ['{{/* x */ }}', 'comment ends before closing delimiter'],
    ['{{ 3 | 4 }}', 'non executable command in pipeline stage 2'],
  ])('parse error for %s', (tpl, msg) => {
    const e = checkAlertTemplate('Test', tpl);
    expect(e?.message).toBe(`template: __alert_Test:1: ${msg}`);
  });
  it('parse error line numbers follow newlines', () => {
    expect(checkAlertTemplate('X', 'line1\nline2 {{ nope }}')?.message).toBe('template: __alert_X:2: function "nope" not defined');
    expect(checkAlertTemplate('X', 'line1\nline2 {{ nope }}')?.offset).toBe(15);
  });
  it('plain expandTemplate reports Prometheus prefixes', () => {
    expect(expandTemplate('n', '{{ foo }}', undefined, { timeMs: 0 })).toEqual({ ok: false, error: 'error parsing template n: template: n:1: function "foo" not defined' });
    expect(expandTemplate('n', '{{ .A }}', new GoMap('any', new Map([['A', 'z']])), { timeMs: 0 })).toEqual({ ok: true, value: 'z' });
    expect(expandTemplate('n', '{{ .A }}', new GoMap('any', new Map()), { timeMs: 0 })).toEqual({ ok: true, value: '<no value>' });
  });
});
