// Tests for hiding secrets in the config shown by /api/v1/status/config.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.ts';

describe('redactSecrets', () => {
  it('hides passwords, credentials and header secrets, and nothing else', () => {
    const yaml = `scrape_configs:
  - job_name: a
    basic_auth:
      username: admin
      password: "hunter2"  # do not show
    authorization:
      credentials: abc
    http_headers:
      X-Key:
        secrets:
          - s1
          - s2
      X-Other:
        values: [v1]
        secrets: [s3]
    static_configs:
      - targets: ['a:1']
`;
    const out = redactSecrets(yaml);
    for (const s of ['hunter2', 'abc', 's1', 's2', 's3']) expect(out).not.toContain(s);
    expect(out).toContain('username: admin');
    expect(out).toContain('password: <secret>');
    expect(out).toContain('values: [v1]');
    expect(out).toContain("- targets: ['a:1']");
    expect(out.split('\n').length).toBe(yaml.split('\n').length);
  });

  it('leaves *_file references visible (they are paths, not secrets)', () => {
    expect(redactSecrets('    password_file: /etc/pw\n')).toBe('    password_file: /etc/pw\n');
  });
});
