// Pins the deployment settings in wrangler.toml that the gateway's behaviour on Workers depends on.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const text = readFileSync(resolve(import.meta.dirname, '../../wrangler.toml'), 'utf8');

/** Top-level `key = value` pairs (the lines before the first [table]); values kept as written. */
function topLevel(toml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line.startsWith('[')) break;
    const m = /^([A-Za-z_][\w-]*)\s*=\s*(.+)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

describe('wrangler.toml', () => {
  const top = topLevel(text);

  it('has a compatibility_date on or after 2024-09-02, when fetch() started honouring custom ports', () => {
    const m = /^"(\d{4}-\d{2}-\d{2})"$/.exec(top.get('compatibility_date') ?? '');
    expect(m, 'compatibility_date = "YYYY-MM-DD"').not.toBeNull();
    const date = (m as RegExpExecArray)[1];
    expect(Number.isNaN(Date.parse(`${date}T00:00:00Z`))).toBe(false);
    expect(date >= '2024-09-02').toBe(true);
  });

  it('points at the Worker entry and does not need nodejs_compat', () => {
    expect(top.get('main')).toBe('"gateway/worker.ts"');
    expect(text).not.toMatch(/^\s*compatibility_flags\s*=.*nodejs_compat/m);
  });

  it('binds the gateway Durable Object with SQLite-backed storage', () => {
    expect(text).toMatch(/\[\[durable_objects\.bindings\]\]\s*\nname = "GATEWAY"\s*\nclass_name = "SightlineGateway"/);
    expect(text).toMatch(/\[\[migrations\]\]\s*\ntag = "v1"\s*\nnew_sqlite_classes = \["SightlineGateway"\]/);
  });
});
