// Tests for the Worker's token check.
import { describe, expect, it } from 'vitest';
import { checkAccess } from './auth.ts';

const req = (path: string, authorization?: string): Request =>
  new Request(`https://sightline.example.workers.dev${path}`, { headers: authorization ? { Authorization: authorization } : {} });

async function refusal(res: Response | null): Promise<{ status: number; body: { status: string; errorType: string; error: string } }> {
  expect(res).not.toBeNull();
  const r = res as Response;
  return { status: r.status, body: (await r.json()) as { status: string; errorType: string; error: string } };
}

describe('checkAccess', () => {
  it('lets /-/healthy through without a token, even when none is configured, and /-/ready once one is', () => {
    expect(checkAccess(req('/-/healthy'), undefined)).toBeNull();
    expect(checkAccess(req('/-/healthy'), 's3cret')).toBeNull();
    expect(checkAccess(req('/-/ready'), 's3cret')).toBeNull();
    expect(checkAccess(req('/-/ready'), undefined)?.status).toBe(503);
  });

  it('refuses everything else with a clear message when SIGHTLINE_TOKEN is not set', async () => {
    for (const token of [undefined, '']) {
      const { status, body } = await refusal(checkAccess(req('/api/v1/targets', 'Bearer x'), token));
      expect(body.errorType).toBe('unavailable');
      expect(status).toBe(503);
      expect(body.error).toContain('wrangler secret put SIGHTLINE_TOKEN');
    }
  });

  it('demands the bearer token and tells a missing one from a wrong one', async () => {
    const missing = await refusal(checkAccess(req('/api/v1/stream'), 's3cret'));
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ status: 'error', errorType: 'unauthorized' });
    expect(missing.body.error).toMatch(/^missing token/);
    const wrong = await refusal(checkAccess(req('/metrics', 'Bearer s3cre'), 's3cret'));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/^wrong token/);
    expect(checkAccess(req('/metrics', 'Bearer s3cret'), 's3cret')?.headers.get('WWW-Authenticate') ?? null).toBeNull();
    expect(checkAccess(req('/api/v1/targets', 'bearer  s3cret '), 's3cret')).toBeNull();
    expect(checkAccess(req('/api/v1/targets', 'Basic s3cret'), 's3cret')?.status).toBe(401);
  });
});
