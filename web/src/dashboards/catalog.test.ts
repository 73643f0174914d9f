// Saving a copy of a read-only dashboard: a free uid within the model's 40 characters, "(copy)" in the title, the original untouched.
import { describe, expect, it } from 'vitest';
import { builtinDashboards } from '../dashboards-builtin/index.ts';
import { copyOf } from './catalog.ts';

describe('copyOf', () => {
  it('picks a uid not yet taken and leaves the original alone', () => {
    const d = builtinDashboards()[0];
    const first = copyOf(d, new Set([d.uid]));
    expect(first.uid).toBe(`${d.uid}-copy`);
    expect(first.title).toBe(`${d.title} (copy)`);
    expect(copyOf(d, new Set([d.uid, `${d.uid}-copy`, `${d.uid}-copy2`])).uid).toBe(`${d.uid}-copy3`);
    first.panels.length = 0;
    expect(d.panels.length).toBeGreaterThan(0);
  });

  it('keeps long uids within 40 characters', () => {
    const d = { ...builtinDashboards()[0], uid: 'x'.repeat(40) };
    const taken = new Set<string>();
    for (let i = 0; i < 12; i++) taken.add(copyOf(d, taken).uid);
    expect([...taken].every((u) => u.length <= 40 && /^[A-Za-z0-9_-]+$/.test(u))).toBe(true);
    expect(taken.size).toBe(12);
  });
});
