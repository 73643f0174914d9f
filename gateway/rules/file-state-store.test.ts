// FileStateStore against the real file system in a temporary directory.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStateStore } from './file-state-store.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'state-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileStateStore', () => {
  it('round-trips blobs per key, creating the directory, and keeps the last of concurrent writes', async () => {
    const store = new FileStateStore(fs, path.join(dir, 'data', 'sub'));
    expect(await store.get('rules-state')).toBeNull();
    await Promise.all([store.put('rules-state', '{"a":1}'), store.put('rules-state', '{"a":2}'), store.put('notifications.jsonl', 'x\ny\n')]);
    expect(await store.get('rules-state')).toBe('{"a":2}');
    expect(await store.get('notifications.jsonl')).toBe('x\ny\n');
    expect(readdirSync(path.join(dir, 'data', 'sub')).sort()).toEqual(['notifications.jsonl', 'rules-state.json']);
    // A second store over the same directory (a restart) sees the data.
    expect(await new FileStateStore(fs, path.join(dir, 'data', 'sub')).get('rules-state')).toBe('{"a":2}');
  });
});
