// The --dashboards folder reader on a real file system: nested *.json only, and nothing outside the folder through symlinks.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isWithin, nodeDashboardFiles } from './node-dashboards.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(): { root: string; folder: string } {
  const root = mkdtempSync(join(tmpdir(), 'sightline-dash-'));
  dirs.push(root);
  const folder = join(root, 'dashboards');
  mkdirSync(join(folder, 'team', 'deep'), { recursive: true });
  mkdirSync(join(root, 'secret'));
  writeFileSync(join(folder, 'a.json'), '{"a":1}');
  writeFileSync(join(folder, 'notes.txt'), 'not a dashboard');
  writeFileSync(join(folder, '.hidden.json'), '{}');
  writeFileSync(join(folder, 'team', 'b.JSON'), '{"b":1}');
  writeFileSync(join(folder, 'team', 'deep', 'c.json'), '{"c":1}');
  writeFileSync(join(root, 'secret', 'passwd.json'), '{"secret":true}');
  writeFileSync(join(root, 'outside.json'), '{"outside":true}');
  // Links that lead out of the folder are not followed; a link to a file inside it is.
  symlinkSync(join(root, 'outside.json'), join(folder, 'link-out.json'));
  symlinkSync(join(root, 'secret'), join(folder, 'secret-dir'));
  symlinkSync('../a.json', join(folder, 'team', 'link-in.json'));
  symlinkSync(folder, join(folder, 'team', 'loop'));
  return { root, folder };
}

describe('nodeDashboardFiles', () => {
  it('reads every .json file under the folder and nothing a symlink leads to outside it', async () => {
    const { folder } = tree();
    const files = await nodeDashboardFiles(folder)();
    expect(files.map((f) => f.path).sort()).toEqual(['a.json', 'team/b.JSON', 'team/deep/c.json', 'team/link-in.json']);
    expect(files.find((f) => f.path === 'team/link-in.json')?.text).toBe('{"a":1}');
    expect(files.some((f) => f.text.includes('secret') || f.text.includes('outside'))).toBe(false);
  });

  it('reports a missing folder as an error', async () => {
    const { root } = tree();
    const files = await nodeDashboardFiles(join(root, 'nope'))();
    expect(files).toHaveLength(1);
    expect(files[0].error).toMatch(/cannot read the dashboards folder/);
  });

  it('isWithin compares real paths by segments', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b', '/a/b/c.json')).toBe(true);
    expect(isWithin('/a/b', '/a/bc/d.json')).toBe(false);
    expect(isWithin('/a/b', '/a/c.json')).toBe(false);
    expect(isWithin('/a/b', '/a/b/..x/y.json')).toBe(true);
  });
});
