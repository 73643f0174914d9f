// Tests for the gateway's command-line flags.
import { describe, expect, it } from 'vitest';
import { isLoopback, parseArgs } from './args.ts';

describe('parseArgs', () => {
  it('defaults to port 9090 on loopback with the built-in config', () => {
    expect(parseArgs([], {})).toEqual({ configFile: null, port: 9090, listenAddress: '127.0.0.1', retentionMs: 3_600_000, help: false });
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

describe('isLoopback', () => {
  it('accepts only loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.com'].some(isLoopback)).toBe(false);
  });
});
