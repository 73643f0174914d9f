// Unit tests for resolving the gateway URL setting.
import { describe, expect, it } from 'vitest';
import { resolveGatewayUrl } from './gatewayUrl.ts';

describe('resolveGatewayUrl', () => {
  it('uses the page origin when the setting is empty', () => {
    expect(resolveGatewayUrl('', 'http://127.0.0.1:9090/#/graph?expr=up')).toBe('http://127.0.0.1:9090/');
    expect(resolveGatewayUrl('  ', 'https://studio.example/app/')).toBe('https://studio.example/');
  });
  it('keeps an explicit base path and drops query and fragment', () => {
    expect(resolveGatewayUrl('https://gw.example/sightline/?x=1#y', 'http://127.0.0.1:9090/')).toBe('https://gw.example/sightline/');
  });
  it('rejects other schemes and unparsable URLs', () => {
    expect(() => resolveGatewayUrl('ftp://gw.example', 'http://127.0.0.1/')).toThrow('ftp://gw.example is not an http(s) URL');
    expect(() => resolveGatewayUrl('http://', 'http://127.0.0.1/')).toThrow(TypeError);
  });
});
