import { describe, expect, it } from 'vitest';
import { ExpositionParseError, parseExposition, resolveFormat, SCRAPE_ACCEPT_HEADER, userAgent } from './index.ts';

describe('content negotiation', () => {
  it('sends the Accept header of Prometheus 3', () => {
    expect(SCRAPE_ACCEPT_HEADER).toBe(
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,' +
        'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
    expect(userAgent('0.1.0')).toBe('Sightline/0.1.0');
  });

  it('chooses the parser from the Content-Type', () => {
    expect(resolveFormat('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe('openmetrics');
    expect(resolveFormat('Application/OpenMetrics-Text;version=0.0.1')).toBe('openmetrics');
    expect(resolveFormat('text/plain; version=0.0.4; charset=utf-8')).toBe('prometheus');
    expect(resolveFormat('text/plain;version=1.0.0;escaping=allow-utf-8')).toBe('prometheus');
    expect(resolveFormat(null)).toBe('prometheus');
    expect(resolveFormat('text/html')).toBe('prometheus');
    expect(resolveFormat(null, 'openmetrics')).toBe('openmetrics');
  });

  it('rejects protobuf, and unknown types without a fallback', () => {
    const proto = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
    expect(() => resolveFormat(proto)).toThrow(/protobuf exposition format is not supported/);
    expect(() => resolveFormat('text/html', null)).toThrow(/unsupported Content-Type "text\/html"/);
    expect(() => resolveFormat(undefined, null)).toThrow(/no Content-Type/);
    try {
      resolveFormat(proto);
    } catch (e) {
      expect(e).toBeInstanceOf(ExpositionParseError);
      expect((e as ExpositionParseError).line).toBe(0);
    }
  });

  it('parseExposition parses with the chosen parser', () => {
    const text = 'a 1\n';
    expect(parseExposition(text, 'text/plain; version=0.0.4').length).toBe(1);
    expect(() => parseExposition(text, 'application/openmetrics-text; version=1.0.0')).toThrow(/# EOF/);
    expect(parseExposition(text + '# EOF\n', 'application/openmetrics-text').format).toBe('openmetrics');
  });
});
