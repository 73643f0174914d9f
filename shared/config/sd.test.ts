// Tests for file_sd and http_sd parsing into target groups with Prometheus's meta labels.
import { describe, expect, it } from 'vitest';
import { parseFileSD, parseHttpSD } from './sd.ts';
import { formatIssue } from './issues.ts';

describe('parseFileSD', () => {
  it('parses JSON with __meta_filepath and file:index sources', () => {
    const text = '[\n  {"targets": ["a:1", "b:2"], "labels": {"env": "prod"}},\n  {"targets": ["c:3"]}\n]\n';
    expect(parseFileSD(text, 'sd/nodes.json')).toEqual({
      errors: [],
      groups: [
        { targets: [{ __address__: 'a:1' }, { __address__: 'b:2' }], labels: { env: 'prod', __meta_filepath: 'sd/nodes.json' }, source: 'sd/nodes.json:0' },
        { targets: [{ __address__: 'c:3' }], labels: { __meta_filepath: 'sd/nodes.json' }, source: 'sd/nodes.json:1' },
      ],
    });
  });

  it('parses YAML lists', () => {
    const text = "- targets: ['a:1']\n  labels:\n    team: x\n";
    expect(parseFileSD(text, 'nodes.yml').groups).toEqual([{ targets: [{ __address__: 'a:1' }], labels: { team: 'x', __meta_filepath: 'nodes.yml' }, source: 'nodes.yml:0' }]);
  });

  it('accepts an empty file and an empty list', () => {
    expect(parseFileSD('', 'a.yml')).toEqual({ groups: [], errors: [] });
    expect(parseFileSD('[]', 'a.json')).toEqual({ groups: [], errors: [] });
  });

  it('ignores unknown JSON fields (Go encoding/json) but rejects unknown YAML fields (strict yaml)', () => {
    expect(parseFileSD('[{"targets": ["a:1"], "comment": "x"}]', 'a.json').errors).toEqual([]);
    expect(parseFileSD("- targets: ['a:1']\n  comment: x\n", 'a.yml').errors.map(formatIssue)).toEqual(['a.yml:2:3: field comment not found in type targetgroup.Group']);
  });

  it.each([
    ['JSON syntax error', '[\n  {"targets": ["a:1",]}\n]', 'a.json', 2, /^invalid JSON: /],
    ['not a list', '{"targets": []}', 'a.json', 1, /expected a list of target groups/],
    ['targets not strings', '[\n {"targets": [{"a": 1}]}\n]', 'a.json', 2, /targets: expected a string/],
    ['bad label name', '- targets: [a]\n  labels: {"": x}\n', 'a.yaml', 2, /labels: "" is not a valid label name/],
    ['null group', '- targets: [a]\n- ~\n', 'a.yml', 2, /nil target group item found/],
  ])('reports %s with a position', (_name, text, file, line, message) => {
    const res = parseFileSD(text, file);
    expect(res.groups).toEqual([]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0]).toMatchObject({ file, line, message: expect.stringMatching(message) });
  });
});

describe('parseHttpSD', () => {
  const url = 'http://sd.local/targets';
  it('parses groups with __meta_url and url:index sources', () => {
    const body = JSON.stringify([{ targets: ['a:1'], labels: { dc: 'x' } }, { targets: [] }]);
    expect(parseHttpSD(body, url)).toEqual({
      ok: true,
      groups: [
        { targets: [{ __address__: 'a:1' }], labels: { dc: 'x', __meta_url: url }, source: `${url}:0` },
        { targets: [], labels: { __meta_url: url }, source: `${url}:1` },
      ],
    });
  });

  it.each([
    ['not JSON', 'nope', /^invalid JSON from http:\/\/sd\.local\/targets/],
    ['not a list', '{}', /expected a JSON list of target groups/],
    ['null item', '[null]', /target group 0 .*: nil target group item found/],
    ['bad label value', '[{"targets": ["a"], "labels": {"x": 1}}]', /"1" is not a valid label value/],
    ['bad target', '[{"targets": [5]}]', /"targets" must be a list of strings/],
  ])('rejects %s', (_name, body, error) => {
    const res = parseHttpSD(body, url);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toMatch(error);
  });
});

describe('findJsonError', () => {
  it('agrees with JSON.parse on valid and broken JSON', async () => {
    const { findJsonError } = await import('./json-check.ts');
    const fc = (await import('fast-check')).default;
    const accepts = (s: string): boolean => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', ' x', '0'), (json, at, junk) => {
        expect(findJsonError(json)).toBeNull();
        const pos = at % (json.length + 1);
        const broken = json.slice(0, pos) + junk + json.slice(pos);
        expect(findJsonError(broken) === null).toBe(accepts(broken));
      }),
      { numRuns: 300 },
    );
  });
});
