// Unit tests for CSV export of range and instant results.
import { describe, expect, it } from 'vitest';
import { csvField, csvFileName, instantToCsv, rangeToCsv } from './csv.ts';

describe('csvField', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas in label values', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12.5')).toBe('-12.5');
    expect(csvField('+Inf')).toBe('+Inf');
  });
});

describe('rangeToCsv', () => {
  it('writes one row per timestamp and one column per series, empty where a series has no sample', () => {
    const csv = rangeToCsv([
      { labels: { __name__: 'up', job: 'a' }, t: [1000, 2000], v: [1, 0] },
      { labels: { __name__: 'up', job: 'b,c' }, t: [2000, 3000], v: [NaN, Infinity] },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'time,timestamp,"up{job=""a""}","up{job=""b,c""}"',
      '1970-01-01T00:00:01.000Z,1,1,',
      '1970-01-01T00:00:02.000Z,2,0,NaN',
      '1970-01-01T00:00:03.000Z,3,,+Inf',
      '',
    ]);
  });
});

describe('instantToCsv', () => {
  it('writes label columns in sorted order, blank where a series lacks a label', () => {
    const csv = instantToCsv([
      { labels: { __name__: 'up', job: 'a', instance: 'h:1' }, t: [1500], v: [1] },
      { labels: { job: 'b', zone: 'eu' }, t: [1500], v: [0.25] },
    ]);
    expect(csv.split('\r\n')).toEqual(['__name__,instance,job,zone,timestamp,value', 'up,h:1,a,,1.5,1', ',,b,eu,1.5,0.25', '']);
  });
  it('writes one row per sample of a range vector', () => {
    expect(instantToCsv([{ labels: { __name__: 'x' }, t: [1000, 2000], v: [1, 2] }]).split('\r\n').length).toBe(4);
  });
});

describe('csvFileName', () => {
  it('builds a safe file name from the expression and time', () => {
    expect(csvFileName('rate(up{job="a"}[5m])', Date.UTC(2024, 5, 1, 12, 0, 0))).toBe('rate_up_job_a_5m-20240601T120000Z.csv');
    expect(csvFileName('{}', 0)).toBe('query-19700101T000000Z.csv');
  });
});
