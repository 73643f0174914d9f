// Tests for the gateway's command-line flags.
import { describe, expect, it } from 'vitest';
import { corsRegExp, isLoopback, listenProblem, parseArgs } from './args.ts';

describe('parseArgs', () => {
  it('defaults to port 9090 on loopback with the built-in config', () => {
    expect(parseArgs([], {})).toEqual({
      configFile: null,
      port: 9090,
      listenAddress: '127.0.0.1',
      retentionMs: 3_600_000,
      alertmanagerConfigFile: null,
      queryMaxSamples: 50_000_000,
      queryTimeoutMs: 120_000,
      lookbackDeltaMs: 300_000,
      corsOrigin: null,
      storagePath: null,
      token: null,
      adminToken: null,
      dashboardsDir: null,
      help: false,
    });
  });

  it('reads --dashboards DIR', () => {
    expect(parseArgs(['--dashboards', 'dash'], {})).toMatchObject({ dashboardsDir: 'dash' });
    expect(parseArgs(['--dashboards='], {})).toEqual({ error: '--dashboards needs a directory' });
  });

  it('reads the query limits, CORS origins and storage path, and the tokens from the environment only', () => {
    const args = parseArgs(
      ['--query.max-samples', '1000', '--query.timeout=30s', '--query.lookback-delta', '1m30s', '--web.cors.origin', 'https?://studio\\.example', '--storage.path', 'st'],
      { SIGHTLINE_TOKEN: 't1', SIGHTLINE_ADMIN_TOKEN: 't2' },
    );
    expect(args).toMatchObject({ queryMaxSamples: 1000, queryTimeoutMs: 30_000, lookbackDeltaMs: 90_000, corsOrigin: 'https?://studio\\.example', storagePath: 'st', token: 't1', adminToken: 't2' });
    expect(parseArgs(['--cors.origin', '('], {})).toEqual({ error: '--cors.origin: invalid regular expression "("' });
    expect(parseArgs(['--query.timeout', '2x'], {})).toEqual({ error: '--query.timeout needs a duration like 30s or 2m, got "2x"' });
    expect(parseArgs(['--token', 'x'], {})).toEqual({ error: 'unknown argument "--token"' });
  });

  it('reads --alertmanager-config, with $SIGHTLINE_ALERTMANAGER_CONFIG as the default', () => {
    expect(parseArgs(['--alertmanager-config=am.yml'], {})).toMatchObject({ alertmanagerConfigFile: 'am.yml' });
    expect(parseArgs([], { SIGHTLINE_ALERTMANAGER_CONFIG: 'env.yml' })).toMatchObject({ alertmanagerConfigFile: 'env.yml' });
    expect(parseArgs(['--alertmanager-config'], {})).toEqual({ error: '--alertmanager-config needs a file name' });
  });

  it('reads --config, --port (also as --flag=value), --listen-address and --retention', () => {
    expect(parseArgs(['--config', 'p.yml', '--port=9191', '--listen-address', '::1', '--retention', '30m'], {})).toMatchObject({
      configFile: 'p.yml',
      port: 9191,
      listenAddress: '::1',
      retentionMs: 1_800_000,
    });
  });

  it('takes PORT from the environment, with --port winning', () => {
    expect(parseArgs([], { PORT: '8080' })).toMatchObject({ port: 8080 });
    expect(parseArgs(['--port', '7070'], { PORT: '8080' })).toMatchObject({ port: 7070 });
  });

  it.each([
    [['--port', 'x'], '--port needs a port number 1-65535, got "x"'],
    [['--port', '70000'], '--port needs a port number 1-65535, got "70000"'],
    [['--config'], '--config needs a file name'],
    [['--bogus'], 'unknown argument "--bogus"'],
    [['--retention', '5'], '--retention needs a duration like 30m or 2h, got "5"'],
  ])('rejects %j', (argv, error) => {
    expect(parseArgs(argv, {})).toEqual({ error });
  });

  it('rejects a bad PORT', () => {
    expect(parseArgs([], { PORT: 'abc' })).toEqual({ error: 'invalid PORT environment variable "abc": want a port number 1-65535' });
  });
});

describe('--web.listen-address', () => {
  it('takes Prometheus’s HOST:PORT form', () => {
    expect(parseArgs(['--web.listen-address', '127.0.0.2:9191'], {})).toMatchObject({ listenAddress: '127.0.0.2', port: 9191 });
    expect(parseArgs(['--web.listen-address=[::1]:9090'], {})).toMatchObject({ listenAddress: '::1', port: 9090 });
    expect(parseArgs(['--web.listen-address', ':9090'], {})).toMatchObject({ listenAddress: '0.0.0.0', port: 9090 });
    expect(parseArgs(['--web.listen-address', '9090'], {})).toEqual({ error: '--web.listen-address needs HOST:PORT, e.g. 127.0.0.1:9090, got "9090"' });
  });
});

describe('corsRegExp', () => {
  it('anchors the pattern like --web.cors.origin', () => {
    const re = corsRegExp('https://a\\.example') as RegExp;
    expect(re.test('https://a.example')).toBe(true);
    expect(re.test('https://a.example.evil.com')).toBe(false);
    expect(re.test('xhttps://a.example')).toBe(false);
  });
});

describe('listenProblem', () => {
  it('refuses a non-loopback address without a token, and allows it with one', () => {
    expect(listenProblem({ listenAddress: '0.0.0.0', token: null })).toMatch(/^refusing to listen on 0\.0\.0\.0 without an auth token: .*SIGHTLINE_TOKEN/);
    expect(listenProblem({ listenAddress: '0.0.0.0', token: 'secret' })).toBeNull();
    expect(listenProblem({ listenAddress: '127.0.0.1', token: null })).toBeNull();
  });
});

describe('isLoopback', () => {
  it('accepts only loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.com'].some(isLoopback)).toBe(false);
  });
});
