// Tests for API parameter parsing: Prometheus's time, duration, limit and label-name rules.
import { describe, expect, it } from 'vitest';
import { BadParam, labelNameParam, MAX_TIME_MS, MIN_TIME_MS, parseDuration, parseTime, readForm } from './params.ts';

describe('parseTime', () => {
  it.each([
    ['1600096945', 1_600_096_945_000],
    ['1600096945.479', 1_600_096_945_479],
    ['1600096945.4796', 1_600_096_945_480],
    ['-1.5', -1500],
    ['1e3', 1_000_000],
    ['2020-09-14T15:22:25Z', 1_600_096_945_000],
    ['2020-09-14T15:22:25.479123Z', 1_600_096_945_479],
    ['2020-09-14T17:22:25+02:00', 1_600_096_945_000],
    ['-292273086-05-16T16:47:06Z', MIN_TIME_MS],
    ['292277026-11-27T03:12:55.999999999Z', MAX_TIME_MS],
  ])('%s → %d ms', (text, ms) => {
    expect(parseTime(text)).toBe(ms);
  });

  it.each(['', 'abc', '2020-09-14', '2020-13-01T00:00:00Z', 'NaN', 'Inf'])('rejects %j', (text) => {
    expect(() => parseTime(text)).toThrow(new BadParam(`cannot parse ${JSON.stringify(text)} to a valid timestamp`));
  });
});

describe('parseDuration', () => {
  it('reads float seconds and Prometheus durations into ms', () => {
    expect(parseDuration('15')).toBe(15_000);
    expect(parseDuration('0.5')).toBe(500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
  });

  it('rejects other text and overflowing numbers as Prometheus does', () => {
    expect(() => parseDuration('1ns')).toThrow('cannot parse "1ns" to a valid duration');
    expect(() => parseDuration('1e300')).toThrow('cannot parse "1e300" to a valid duration. It overflows int64');
  });
});

describe('labelNameParam', () => {
  it('takes names as given and unescapes U__ names', () => {
    expect(labelNameParam('job')).toBe('job');
    expect(labelNameParam('U__my_2e_label')).toBe('my.label');
    expect(labelNameParam('U__a__b')).toBe('a_b');
    expect(() => labelNameParam('U__bad_zz_')).toThrow('invalid label name: "U__bad_zz_"');
  });
});

describe('readForm', () => {
  it('merges a form-encoded POST body before the URL parameters, and ignores other bodies', async () => {
    const post = await readForm(
      new Request('http://x/api?match[]=b', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'match[]=a&q=1' }),
    );
    expect(post.getAll('match[]')).toEqual(['a', 'b']);
    expect(post.get('q')).toBe('1');
    const json = await readForm(new Request('http://x/api', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query":"up"}' }));
    expect(json.get('query')).toBe('');
  });
});
