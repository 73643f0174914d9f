// Unit tests for the gateway API client's outcome classification.
import { describe, expect, it } from 'vitest';
import { apiCall, apiUrl, type FetchFn } from './api.ts';

const target = { baseUrl: 'http://127.0.0.1:9090/prefix/', token: 's3cret' };

function answering(status: number, body: unknown, seen: Array<{ url: string; init?: RequestInit }> = []): FetchFn {
  return async (url, init) => {
    seen.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  };
}

describe('apiCall', () => {
  it('unwraps success and sends the token', async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = [];
    const r = await apiCall<{ groups: [] }>(answering(200, { status: 'success', data: { groups: [] } }, seen), target, '/api/v1/rules', { query: { type: 'alert' } });
    expect(r).toEqual({ kind: 'ok', data: { groups: [] } });
    expect(seen[0].url).toBe('http://127.0.0.1:9090/prefix/api/v1/rules?type=alert');
    expect((seen[0].init?.headers as Record<string, string>).Authorization).toBe('Bearer s3cret');
  });
  it('tells a missing route from a missing item', async () => {
    expect(await apiCall(answering(404, { status: 'error', errorType: 'not_found', error: 'no API endpoint GET /api/v1/rules' }), target, '/api/v1/rules')).toEqual({
      kind: 'missing',
      message: 'no API endpoint GET /api/v1/rules',
    });
    expect(await apiCall(answering(404, 'Not Found'), target, '/x')).toMatchObject({ kind: 'missing' });
    expect(await apiCall(answering(404, { status: 'error', errorType: 'not_found', error: 'no receiver named "x"' }), target, '/x')).toEqual({
      kind: 'error',
      status: 404,
      message: 'no receiver named "x"',
    });
  });
  it('reports API errors with their message and network failures as unreachable', async () => {
    expect(await apiCall(answering(503, { status: 'error', errorType: 'unavailable', error: 'no notifier' }), target, '/x')).toEqual({ kind: 'error', status: 503, message: 'no notifier' });
    const down: FetchFn = () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await apiCall(down, target, '/x')).toEqual({ kind: 'unreachable', message: 'Failed to fetch' });
    expect(await apiCall(answering(502, 'Bad Gateway'), target, '/x')).toMatchObject({ kind: 'unreachable' });
  });
  it('posts JSON bodies', async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = [];
    await apiCall(answering(200, { status: 'success', data: {} }, seen), { baseUrl: 'http://h/', token: '' }, 'api/v1/silences', { method: 'POST', body: { a: 1 } });
    expect(seen[0].init?.method).toBe('POST');
    expect(seen[0].init?.body).toBe('{"a":1}');
    expect((seen[0].init?.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(apiUrl({ baseUrl: 'http://h/', token: '' }, '/api/v1/targets')).toBe('http://h/api/v1/targets');
  });
});
